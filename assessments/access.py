"""Who may see and change what. Views, the API and services all ask here.

Three layers: visibility (``visible_to`` querysets: another country's object is a 404), write
rights (these helpers raise ``PermissionDenied``), and state rules (in the services).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Assessment, Country, Membership, is_reviewer
from .workflow import STEPS


def role_in(user: Any, country: Country | int) -> str | None:
    """The user's role in a country's team, or None. Cached on the user object for the request."""
    if not user.is_authenticated:
        return None
    cache: dict[int, str | None] | None = getattr(user, "_portal_roles", None)
    if cache is None:
        cache = dict(Membership.objects.filter(user=user).values_list("country_id", "role"))
        user._portal_roles = cache
    country_id = country if isinstance(country, int) else country.pk
    return cache.get(country_id)


def visible_assessment(user: Any, pk: int | str) -> Assessment:
    """The assessment if the user may see it; otherwise 404, exactly as for a missing id.

    The same rule as ``Assessment.objects.visible_to``, checked on the fetched row so that a
    team member's request costs no query about reviewers.
    """
    if not user.is_authenticated:
        raise Http404("No such assessment.")
    try:
        assessment = Assessment.objects.select_related("country", "framework").get(pk=int(pk))
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such assessment.") from None
    if role_in(user, assessment.country_id) is not None:
        return assessment
    if assessment.state != Assessment.State.DRAFT and is_reviewer(user):
        return assessment
    raise Http404("No such assessment.")


def can_write(user: Any, assessment: Assessment) -> bool:
    return role_in(user, assessment.country_id) in (Membership.Role.COORDINATOR, Membership.Role.CONTRIBUTOR)


def require_write(user: Any, assessment: Assessment) -> None:
    if not can_write(user, assessment):
        raise PermissionDenied("Only the country's coordinator and contributors may change its assessment.")


def is_coordinator(user: Any, country: Country | int) -> bool:
    return role_in(user, country) == Membership.Role.COORDINATOR


def require_coordinator(user: Any, country: Country | int) -> None:
    if not is_coordinator(user, country):
        raise PermissionDenied("Only the country's national coordinator may do this.")


def is_administrator(user: Any) -> bool:
    """UNODC's portal administrators: Django staff (or superusers)."""
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser))


def require_administrator(user: Any) -> None:
    if not is_administrator(user):
        raise PermissionDenied("Only UNODC's portal administrators may do this.")


def require_reviewer(user: Any) -> None:
    if not is_reviewer(user):
        raise PermissionDenied("Only UNODC reviewers may do this.")


def may_take(user: Any, assessment: Assessment, action: str) -> bool:
    """Whether the user's role allows the workflow step (the state is the service's business)."""
    step = STEPS.get(action)
    if step is None:
        return False
    if step.taken_by == "coordinator":
        return is_coordinator(user, assessment.country_id)
    return is_reviewer(user)


def can_reply(user: Any, assessment: Assessment) -> bool:
    return can_write(user, assessment) or is_reviewer(user)


def may_request_report(user: Any, assessment: Assessment) -> bool:
    """The country's coordinator, and UNODC reviewers once the assessment is submitted."""
    return is_coordinator(user, assessment.country_id) or is_reviewer(user)


def signed_in(user: AbstractBaseUser | AnonymousUser) -> User:
    """The person behind a request, for a service's ``by``.

    Every caller sits behind ``login_required`` or ``IsAuthenticated``, so an anonymous visitor is
    turned away before this; should one get here, it is refused, never recorded as nobody.
    """
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return user


def roles_of(user: Any) -> set[str]:
    """The roles ``user`` holds anywhere: their team roles, "reviewer", "administrator" (staff).
    The settings name it (``PORTAL_ROLES_OF``) for the second-factor and single sign-on rules."""
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True).distinct())
    if is_reviewer(user):
        roles.add("reviewer")
    if user.is_staff or user.is_superuser:
        roles.add("administrator")
    return roles
