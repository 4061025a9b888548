"""Audit events in the admin: readable, filterable, and never added, changed or deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.actions import delete_selected
from django.http import HttpRequest
from django.utils.translation import gettext_noop

from .models import Event
from .services import Target, record


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "actor_label", "address", "country", "target_label"]
    list_filter = ["action", "country", "at"]
    search_fields = ["actor_label", "target_label", "country"]
    date_hierarchy = "at"
    readonly_fields = [
        "at",
        "action",
        "actor",
        "actor_label",
        "address",
        "country",
        "target_type",
        "target_id",
        "target_label",
        "details",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.action(permissions=["delete"], description=delete_selected.short_description)  # type: ignore[attr-defined]
def delete_selected_audited(modeladmin: Any, request: HttpRequest, queryset: Any) -> Any:
    """Django's "delete selected", recorded: for several objects Django writes its own log entries
    with ``bulk_create``, which sends no ``post_save`` (one object's entry is saved and recorded by
    ``receivers.admin_changed``)."""
    confirmed = bool(request.POST.get("post"))
    doomed = [_target(obj) for obj in queryset] if confirmed else []
    response = delete_selected(modeladmin, request, queryset)
    if confirmed and response is None and len(doomed) > 1:
        for target in doomed:
            record(Event.Action.ADMIN_CHANGE, request=request, target=target, change=gettext_noop("deleted"))
    return response


def _target(obj: Any) -> Target:
    meta = obj._meta
    return Target(
        f"{meta.app_label}.{meta.model_name}", str(obj.pk), f"{str(meta.verbose_name).capitalize()}: {obj}"
    )


admin.site.add_action(delete_selected_audited, "delete_selected")
