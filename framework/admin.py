from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import (
    Agency,
    DisaggregationCategory,
    DisaggregationDimension,
    Framework,
    FrameworkIndicator,
    GuidingPrinciple,
    ImplementationMeasure,
    Item,
    Objective,
    OperationalIndicator,
    Pillar,
    Requirement,
    ResourceCitation,
    ResourceDocument,
    TechnicalAssistanceArea,
)


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "edition", "updated_at"]
    search_fields = ["code", "title"]


@admin.register(Pillar)
class PillarAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "framework"]
    list_filter = ["framework"]


class ItemInline(admin.TabularInline):
    model = Item
    fields = ["code", "kind", "band", "text", "answer_type"]
    extra = 0
    show_change_link = True


class CitationInline(admin.TabularInline):
    model = ResourceCitation
    fields = ["code", "band", "citation", "document"]
    raw_id_fields = ["document"]
    extra = 0


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "is_overview", "pillar", "framework"]
    list_filter = ["framework", "pillar__number", "is_overview"]
    search_fields = ["code", "title"]
    list_select_related = ["pillar", "framework"]
    inlines = [ItemInline, CitationInline]


class _ItemAdmin(admin.ModelAdmin):
    list_display = ["code", "text", "band", "requirement"]
    list_filter = ["framework", "pillar__number"]
    search_fields = ["code", "text"]
    list_select_related = ["requirement"]
    raw_id_fields = ["requirement", "pillar"]
    exclude = ["kind_order"]


@admin.register(Objective)
class ObjectiveAdmin(_ItemAdmin):
    pass


@admin.register(FrameworkIndicator)
class FrameworkIndicatorAdmin(_ItemAdmin):
    pass


@admin.register(ImplementationMeasure)
class ImplementationMeasureAdmin(_ItemAdmin):
    pass


@admin.register(OperationalIndicator)
class OperationalIndicatorAdmin(_ItemAdmin):
    list_display = ["code", "text", "answer_type", "requirement"]
    list_filter = ["framework", "pillar__number", "answer_type"]


@admin.register(ResourceCitation)
class ResourceCitationAdmin(admin.ModelAdmin):
    list_display = ["code", "citation", "document"]
    list_filter = ["framework", "pillar__number", ("document", admin.EmptyFieldListFilter)]
    search_fields = ["code", "citation"]
    list_select_related = ["document"]
    raw_id_fields = ["requirement", "pillar", "document"]


@admin.register(ResourceDocument)
class ResourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["key", "organisation", "title", "year", "section", "availability"]
    list_filter = ["framework", "section", "availability"]
    search_fields = ["key", "organisation", "title", "url"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "pillars"]
    search_fields = ["code", "name"]


@admin.register(GuidingPrinciple)
class GuidingPrincipleAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]


class CategoryInline(admin.TabularInline):
    model = DisaggregationCategory
    extra = 0


@admin.register(DisaggregationDimension)
class DisaggregationDimensionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group", "position"]
    inlines = [CategoryInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[DisaggregationDimension]:
        return super().get_queryset(request).prefetch_related("categories")


@admin.register(TechnicalAssistanceArea)
class TechnicalAssistanceAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "pillars", "position"]
