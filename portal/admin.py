"""The admin's view of people: profiles beside users, tokens listed (never their secrets), and an
administrator's reset of someone's second factor."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy, ngettext

from .accounts import reset_second_factor
from .models import ApiToken, Profile

User = get_user_model()


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    extra = 0


@admin.action(description=gettext_lazy("Reset the second factor (the person enrols again at next sign-in)"))
def reset_factors(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    for user in queryset:
        reset_second_factor(user, by=request.user, request=request)
    count = queryset.count()
    modeladmin.message_user(
        request,
        ngettext(
            "Second factor reset for %(count)d person; their sessions and tokens have ended.",
            "Second factor reset for %(count)d people; their sessions and tokens have ended.",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )


class PortalUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    actions = [reset_factors]


admin.site.unregister(User)
admin.site.register(User, PortalUserAdmin)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens can be seen and revoked (deleted) here; only their hash is stored."""

    list_display = ["name", "user", "created", "expiry"]
    search_fields = ["name", "user__email"]
    fields = ["name", "user", "created", "expiry"]
    readonly_fields = ["name", "user", "created", "expiry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
