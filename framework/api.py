"""Read-only REST API over the catalogue, under ``/api/v1/frameworks/<code>/``. Public, like the browser."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api import query_filters

from .exporting import export_catalogue
from .models import Framework, Item, Pillar, Requirement, ResourceCitation, ResourceDocument

FW_PARAM = OpenApiParameter(
    "fw", OpenApiTypes.STR, OpenApiParameter.PATH, description="Framework code, e.g. unodc-2009"
)


class DocumentSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = ResourceDocument
        fields = ["key", "organisation", "title", "year", "url"]


class FrameworkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Framework
        fields = ["code", "title", "edition", "publisher", "published"]


class PillarSerializer(serializers.ModelSerializer):
    requirement_count = serializers.IntegerField(read_only=True)
    framework_indicator_count = serializers.IntegerField(read_only=True)
    implementation_measure_count = serializers.IntegerField(read_only=True)
    operational_indicator_count = serializers.IntegerField(read_only=True)
    resource_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Pillar
        fields = [
            "number",
            "code",
            "name",
            "requirement_count",
            "framework_indicator_count",
            "implementation_measure_count",
            "operational_indicator_count",
            "resource_count",
        ]


class ItemSerializer(serializers.ModelSerializer):
    requirement = serializers.CharField(source="requirement.code", read_only=True)
    pillar = serializers.IntegerField(source="pillar.number", read_only=True)

    class Meta:
        model = Item
        fields = ["code", "kind", "text", "band", "answer_type", "requirement", "pillar"]


class CitationSerializer(serializers.ModelSerializer):
    document = DocumentSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = ResourceCitation
        fields = ["code", "citation", "note", "band", "document"]


class RequirementSerializer(serializers.ModelSerializer):
    pillar = serializers.IntegerField(source="pillar.number", read_only=True)

    class Meta:
        model = Requirement
        fields = ["code", "title", "articles", "is_overview", "pillar"]


class _ItemInRequirementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = ["code", "text", "band", "answer_type"]


extend_schema_field_list = extend_schema_field(_ItemInRequirementSerializer(many=True))


class RequirementDetailSerializer(RequirementSerializer):
    objectives = serializers.SerializerMethodField()
    framework_indicators = serializers.SerializerMethodField()
    implementation_measures = serializers.SerializerMethodField()
    operational_indicators = serializers.SerializerMethodField()
    resources = CitationSerializer(many=True, read_only=True)

    class Meta(RequirementSerializer.Meta):
        fields = [
            *RequirementSerializer.Meta.fields,
            "objectives",
            "framework_indicators",
            "implementation_measures",
            "operational_indicators",
            "resources",
        ]

    def _column(self, obj: Requirement, kind: str) -> list[dict[str, Any]]:
        items = [i for i in obj.items.all() if i.kind == kind]
        return list(_ItemInRequirementSerializer(items, many=True).data)

    @extend_schema_field_list
    def get_objectives(self, obj: Requirement) -> list[dict[str, Any]]:
        return self._column(obj, Item.Kind.OBJECTIVE)

    @extend_schema_field_list
    def get_framework_indicators(self, obj: Requirement) -> list[dict[str, Any]]:
        return self._column(obj, Item.Kind.FRAMEWORK_INDICATOR)

    @extend_schema_field_list
    def get_implementation_measures(self, obj: Requirement) -> list[dict[str, Any]]:
        return self._column(obj, Item.Kind.IMPLEMENTATION_MEASURE)

    @extend_schema_field_list
    def get_operational_indicators(self, obj: Requirement) -> list[dict[str, Any]]:
        return self._column(obj, Item.Kind.OPERATIONAL_INDICATOR)


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResourceDocument
        fields = ["key", "section", "organisation", "title", "year", "url", "availability", "note"]


REQUIREMENT_CODE = r"[0-9]{1,3}\.[0-9]{1,3}"


class RequirementFilters(serializers.Serializer):
    pillar = serializers.IntegerField(required=False, min_value=1, max_value=999, help_text="pillar number")


class ItemFilters(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Item.Kind.choices, required=False, allow_blank=True)
    requirement = serializers.RegexField(
        rf"^{REQUIREMENT_CODE}$",
        required=False,
        allow_blank=True,
        max_length=7,
        help_text="requirement code, e.g. 1.4",
        error_messages={"invalid": _("Give a requirement code such as 1.4.")},
    )
    pillar = serializers.IntegerField(required=False, min_value=1, max_value=999, help_text="pillar number")


class DocumentFilters(serializers.Serializer):
    section = serializers.ChoiceField(
        choices=ResourceDocument.Section.choices, required=False, allow_blank=True
    )


class _InFramework:
    """Everything under /frameworks/<fw>/ belongs to that framework; an unknown one is a 404."""

    kwargs: dict[str, Any]

    def framework(self) -> Framework:
        if not hasattr(self, "_framework"):
            self._framework = get_object_or_404(Framework, code=self.kwargs["fw"])
        return self._framework

    def scoped(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        """``qs`` within the framework of the URL (empty while the schema generator inspects the view)."""
        if getattr(self, "swagger_fake_view", False):
            return qs.none()
        return qs.filter(framework=self.framework())


@extend_schema_view(
    list=extend_schema(summary="List frameworks"), retrieve=extend_schema(summary="A framework")
)
class FrameworkViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Framework.objects.all()
    serializer_class = FrameworkSerializer
    permission_classes = [AllowAny]
    lookup_field = "code"
    lookup_url_kwarg = "fw"

    @extend_schema(summary="The whole catalogue as one document", responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def export(self, request: Request, fw: str) -> Response:
        return Response(export_catalogue(self.get_object()))


@extend_schema_view(
    list=extend_schema(summary="Pillars of a framework", parameters=[FW_PARAM]),
    retrieve=extend_schema(summary="A pillar", parameters=[FW_PARAM]),
)
class PillarViewSet(_InFramework, viewsets.ReadOnlyModelViewSet):
    serializer_class = PillarSerializer
    permission_classes = [AllowAny]
    lookup_field = "number"
    lookup_value_regex = r"[0-9]+"
    pagination_class = None

    def get_queryset(self) -> QuerySet[Pillar]:
        return self.scoped(Pillar.objects.with_counts())


@extend_schema_view(
    list=extend_schema(
        summary="Protocol requirements",
        parameters=[FW_PARAM, RequirementFilters],
    ),
    retrieve=extend_schema(summary="A requirement with its six columns", parameters=[FW_PARAM]),
)
class RequirementViewSet(_InFramework, viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    lookup_field = "code"
    lookup_value_regex = r"[0-9]+\.[0-9]+"

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return RequirementDetailSerializer if self.action == "retrieve" else RequirementSerializer

    def get_queryset(self) -> QuerySet[Requirement]:
        if self.action == "retrieve":
            return self.scoped(Requirement.objects.with_detail())
        qs = self.scoped(Requirement.objects.select_related("pillar"))
        filters = query_filters(self.request, RequirementFilters)
        if "pillar" in filters:
            qs = qs.filter(pillar__number=filters["pillar"])
        return qs.order_by("pillar__number", "position")


@extend_schema_view(
    list=extend_schema(
        summary="Catalogue items (objectives, indicators, measures)",
        parameters=[FW_PARAM, ItemFilters],
    ),
    retrieve=extend_schema(summary="An item", parameters=[FW_PARAM]),
)
class ItemViewSet(_InFramework, viewsets.ReadOnlyModelViewSet):
    serializer_class = ItemSerializer
    permission_classes = [AllowAny]
    lookup_field = "code"
    lookup_value_regex = r"[0-9]+\.[0-9]+\.[A-Z]{1,2}[0-9]+"

    def get_queryset(self) -> QuerySet[Item]:
        qs = self.scoped(Item.objects.select_related("requirement", "pillar"))
        filters = query_filters(self.request, ItemFilters)
        if "kind" in filters:
            qs = qs.filter(kind=filters["kind"])
        if "requirement" in filters:
            qs = qs.filter(requirement__code=filters["requirement"])
        if "pillar" in filters:
            qs = qs.filter(pillar__number=filters["pillar"])
        return qs.order_by("pillar__number", "requirement__position", "kind_order", "position")


@extend_schema_view(
    list=extend_schema(
        summary="Annex documents (resources and legal instruments)",
        parameters=[FW_PARAM, DocumentFilters],
    ),
    retrieve=extend_schema(summary="An annex document", parameters=[FW_PARAM]),
)
class DocumentViewSet(_InFramework, viewsets.ReadOnlyModelViewSet):
    serializer_class = DocumentSerializer
    permission_classes = [AllowAny]
    lookup_field = "key"

    def get_queryset(self) -> QuerySet[ResourceDocument]:
        qs = self.scoped(ResourceDocument.objects.all())
        filters = query_filters(self.request, DocumentFilters)
        if "section" in filters:
            qs = qs.filter(section=filters["section"])
        return qs.order_by("position")
