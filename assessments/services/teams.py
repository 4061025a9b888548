"""Country teams: members and their roles; a team always keeps a national coordinator. People join
by invitation (``invitations``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

import audit
from portal.accounts import end_access

from ..models import Answer, Membership
from ..texts import clean_text, field_limit


def clean_address(email: str) -> str:
    """The address as accounts keep it (lower case), or a ValidationError on ``email``."""
    email = User.objects.normalize_email(email.strip()).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Give a valid e-mail address.")}) from None
    # The address is also the account's user name, which has the shorter limit.
    clean_text(email, field="email", limit=field_limit(User, "username"))
    return email


def require_role(role: str) -> None:
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a role.")})


@transaction.atomic
def change_member_role(*, membership: Membership, role: str, by: User) -> Membership:
    """Change a member's role; the team keeps at least one national coordinator."""
    require_role(role)
    _keep_a_coordinator(membership, new_role=role)
    old_role = membership.role
    membership.role = role
    membership.save()
    record_membership(
        membership,
        by,
        change=gettext_noop("role changed"),
        old_role=Membership.Role(old_role).label,
        new_role=Membership.Role(role).label,
    )
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, by: User) -> None:
    """Remove a member from the team, unassigning their items; the last coordinator stays. Their
    sessions and API tokens end at once: the very next request is signed out."""
    _keep_a_coordinator(membership, new_role=None)
    Answer.objects.filter(assessment__country=membership.country, assignee=membership.user).update(
        assignee=None
    )
    record_membership(
        membership, by, change=gettext_noop("removed"), old_role=Membership.Role(membership.role).label
    )
    membership.delete()
    end_access(membership.user)


def record_membership(membership: Membership, by: User | None, **details: Any) -> None:
    """The change in the audit log, under the team's country, naming the member by e-mail."""
    audit.record(
        audit.Event.Action.MEMBERSHIP_CHANGED,
        actor=by,
        target=membership,
        label=membership.user.email,
        country=membership.country.code,
        member=membership.user.email,
        **details,
    )


def _keep_a_coordinator(membership: Membership, *, new_role: str | None) -> None:
    if membership.role != Membership.Role.COORDINATOR or new_role == Membership.Role.COORDINATOR:
        return
    others = (
        Membership.objects.select_for_update()
        .filter(country=membership.country, role=Membership.Role.COORDINATOR)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise ValidationError(_("A team needs at least one national coordinator."))
