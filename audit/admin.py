"""Audit events in the admin: readable, filterable, and never added, changed or deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Event


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
