"""The Django admin for operators. An assessment's content (state, answers, data, evidence,
records) and its history are read-only here: the workflow and the services are the only way to
change them, so the rules, the timeline and the history always hold. Accepted assessments cannot
be deleted. Countries and memberships stay editable.
"""

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Answer,
    AnswerEvidence,
    Assessment,
    Country,
    Evidence,
    Membership,
    NationalMeasure,
    Notification,
    OperationalData,
    TechnicalAssistanceNeed,
)


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "subregion", "is_demo"]
    list_filter = ["region", "is_demo"]
    search_fields = ["code", "name"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "country", "role", "created_at"]
    list_filter = ["role", "country__region"]
    search_fields = ["user__email", "user__username", "country__name"]
    list_select_related = ["user", "country"]
    raw_id_fields = ["user", "country", "invited_by"]


class ReadOnlyContent(SimpleHistoryAdmin):
    """Viewable, never added or changed in the admin (its history cannot be reverted either)."""

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyContent):
    list_display = ["country", "cycle", "framework", "state", "updated_at"]
    list_filter = ["state", "cycle", "country__region"]
    search_fields = ["country__name", "country__code"]
    list_select_related = ["country", "framework"]
    raw_id_fields = ["country", "previous", "created_by"]

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        """A draft started by mistake may be removed; an accepted assessment is the record."""
        if obj is not None and obj.state == Assessment.State.ACCEPTED:
            return False
        return bool(request.user.is_superuser)


class AnswerEvidenceInline(admin.TabularInline):
    model = AnswerEvidence
    raw_id_fields = ["evidence"]
    extra = 0

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Answer)
class AnswerAdmin(ReadOnlyContent):
    list_display = ["item", "assessment", "status", "version", "updated_at"]
    list_filter = ["status", "kind"]
    search_fields = ["item__code", "assessment__country__name"]
    list_select_related = ["item", "assessment__country"]
    raw_id_fields = ["assessment", "item", "assignee", "updated_by"]
    inlines = [AnswerEvidenceInline]


@admin.register(OperationalData)
class OperationalDataAdmin(ReadOnlyContent):
    list_display = ["indicator", "assessment", "period", "value_count", "value_amount", "not_collected"]
    list_select_related = ["indicator", "assessment__country"]
    raw_id_fields = ["assessment", "indicator", "updated_by"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyContent):
    list_display = ["title", "assessment", "kind", "content_type", "size", "uploaded_at"]
    list_filter = ["kind", "content_type"]
    search_fields = ["title", "sha256"]
    raw_id_fields = ["assessment", "uploaded_by"]
    readonly_fields = ["sha256", "size", "content_type", "original_name"]


@admin.register(NationalMeasure)
class NationalMeasureAdmin(ReadOnlyContent):
    list_display = ["title", "assessment", "status"]
    raw_id_fields = ["assessment", "requirement", "created_by"]


@admin.register(TechnicalAssistanceNeed)
class TechnicalAssistanceNeedAdmin(ReadOnlyContent):
    list_display = ["assessment", "area", "priority", "status"]
    raw_id_fields = ["assessment", "requirement", "item", "created_by"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, to see what was sent and why an e-mail failed; the worker alone writes it."""

    list_display = ["kind", "assessment", "state", "attempts", "created_at", "sent_at", "emails_sent"]
    list_filter = ["state", "kind"]
    list_select_related = ["assessment__country"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
