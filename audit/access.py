"""Who may read the whole audit log: administrators."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied


def may_view_log(user: Any) -> bool:
    """Superusers, and anyone given the permission to view audit events."""
    return bool(
        user.is_authenticated and user.is_active and (user.is_superuser or user.has_perm("audit.view_event"))
    )


def require_log_viewer(user: Any) -> None:
    if not may_view_log(user):
        raise PermissionDenied("Only administrators may read the audit log.")


def shows_log_link(user: Any) -> bool:
    """Whether the navigation links to the log: for administrators, who are staff. Asking staff
    only spares every country team's page the two permission queries."""
    return bool(getattr(user, "is_staff", False)) and may_view_log(user)
