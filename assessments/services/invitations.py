"""Invitations: a coordinator (or a UNODC administrator) invites a person by e-mail to a team.

The link carries a random token of which only the hash is kept, works once, and expires after
``INVITATION_DAYS``. A person who already has an account is added to the team at once and told
so by e-mail: there is nothing for them to accept.

The e-mail is sent once the transaction commits, from the web process rather than through the
notification outbox: the outbox builds its e-mails later from the rows, and the rows never hold
the token (only its hash), so the link can only be written into the e-mail now.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from allauth.account.internal.flows.login import record_authentication
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

import audit
from portal.languages import language_of

from ..models import Assessment, Country, Invitation, Membership, hash_token
from ..texts import clean_text, field_limit
from .teams import clean_address, record_membership, require_role

log = logging.getLogger(__name__)


class InvitationRefused(Exception):
    """A link that does not open the team: unknown, expired, used or withdrawn (``reason``)."""

    MESSAGES = {
        "unknown": gettext_lazy(
            "This invitation link is not known. Check that you copied the whole address from the e-mail."
        ),
        Invitation.Status.EXPIRED: gettext_lazy("This invitation has expired."),
        Invitation.Status.ACCEPTED: gettext_lazy("This invitation has already been used."),
        Invitation.Status.REVOKED: gettext_lazy("This invitation has been withdrawn."),
    }

    def __init__(self, reason: str, invitation: Invitation | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.reason])


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def _expiry() -> Any:
    return timezone.now() + timedelta(days=settings.INVITATION_DAYS)


def name_of(user: User | None) -> str:
    """How an e-mail or a page names a person: their full name, else their address."""
    if user is None:
        return _("UNODC")
    profile = getattr(user, "profile", None)
    return (profile.full_name if profile else "") or user.email or user.get_username()


@transaction.atomic
def invite(*, country: Country, email: str, role: str, by: User | None, full_name: str = "") -> Invitation:
    """Invite a person to the team by e-mail; a person with an account is added and told at once.
    ``by`` is None for an operator's ``manage.py invite`` (the e-mail says UNODC invites)."""
    email = clean_address(email)
    require_role(role)
    full_name = clean_text(
        full_name, field="full_name", limit=field_limit(Invitation, "full_name"), strip=True
    )
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and Membership.objects.filter(user=user, country=country).exists():
        raise ValidationError({"email": _("%(email)s is already in the team.") % {"email": email}})
    current = Invitation.objects.select_for_update().open().filter(country=country, email=email).first()
    if current is not None and current.status == Invitation.Status.PENDING:
        raise ValidationError(
            {
                "email": _("%(email)s has already been invited: send the invitation again from the list.")
                % {"email": email}
            }
        )
    if current is not None:  # expired: it makes way for the new one
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
        _record(
            audit.Event.Action.INVITATION_REVOKED,
            current,
            by,
            reason=gettext_noop("expired, replaced by a new invitation"),
        )
    token, digest = _new_token()
    invitation = Invitation.objects.create(
        country=country,
        email=email,
        role=role,
        full_name=full_name,
        invited_by=by,
        token_hash=digest,
        expires_at=_expiry(),
    )
    if user is not None:
        membership = Membership.objects.create(user=user, country=country, role=role, invited_by=by)
        invitation.user, invitation.accepted_at = user, timezone.now()
        invitation.save(update_fields=["user", "accepted_at"])
        _record(
            audit.Event.Action.INVITATION_ACCEPTED,
            invitation,
            by,
            reason=gettext_noop("the person already had an account"),
        )
        record_membership(
            membership, by, change=gettext_noop("added"), role=str(membership.get_role_display())
        )
        _send_later(
            "added",
            invitation,
            link=settings.SITE_URL.rstrip("/") + reverse("assessments:list"),
            language=language_of(user),
        )
        return invitation
    _record(audit.Event.Action.INVITATION_SENT, invitation, by)
    _send_later("invitation", invitation, link=link_for(token))
    return invitation


@transaction.atomic
def resend(*, invitation: Invitation, by: User) -> Invitation:
    """Send the invitation again with a new link and a new expiry; the old link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status in (Invitation.Status.ACCEPTED, Invitation.Status.REVOKED):
        raise ValidationError(_("This invitation has been used or withdrawn: invite the person again."))
    token, invitation.token_hash = _new_token()
    invitation.expires_at = _expiry()
    invitation.sent_count += 1
    invitation.last_sent_at = timezone.now()
    invitation.save(update_fields=["token_hash", "expires_at", "sent_count", "last_sent_at"])
    _record(
        audit.Event.Action.INVITATION_SENT,
        invitation,
        by,
        times_sent=invitation.sent_count,
    )
    _send_later("invitation", invitation, link=link_for(token))
    return invitation


@transaction.atomic
def revoke(*, invitation: Invitation, by: User) -> Invitation:
    """Withdraw an invitation: its link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been accepted: remove the member instead."))
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        _record(audit.Event.Action.INVITATION_REVOKED, invitation, by)
    return invitation


def find(token: str, *, lock: bool = False) -> Invitation:
    """The pending invitation of a link, or ``InvitationRefused`` saying why the link does not work."""
    return find_by_digest(hash_token(token) if token else "", lock=lock)


def find_by_digest(digest: str, *, lock: bool = False) -> Invitation:
    """``find`` by the hash of the link's token (what a session keeps while single sign-on runs)."""
    rows = Invitation.objects.select_related("country", "invited_by__profile")
    if lock:
        rows = rows.select_for_update(of=("self",))
    invitation = rows.filter(token_hash=digest).first() if digest else None
    if invitation is None:
        raise InvitationRefused("unknown")
    if invitation.status != Invitation.Status.PENDING:
        raise InvitationRefused(invitation.status, invitation)
    return invitation


def link_for(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("assessments:invitation", args=[token])


@transaction.atomic
def accept(*, token: str, password: str | None, request: HttpRequest) -> Invitation:
    """Accept the invitation: the account (with ``password``) if new, the membership, signed in.

    A person whose account already exists must be signed in as that account (no password then).
    Two requests with the same link: the row lock makes the second wait, then find it used.
    """
    invitation = find(token, lock=True)
    signed_in: Any = request.user
    user = User.objects.filter(email__iexact=invitation.email).first()
    if signed_in.is_authenticated and signed_in != user:
        raise ValidationError(
            _("You are signed in as %(current)s, but this invitation is for %(email)s. Sign out first.")
            % {"current": signed_in.email or signed_in.get_username(), "email": invitation.email}
        )
    if user is None:
        user = _create_account(invitation, password or "")
    elif not signed_in.is_authenticated:
        raise ValidationError(_("You already have an account: sign in first, then open the link again."))
    _join(invitation, user, request)
    if not signed_in.is_authenticated:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        # The person has just proved their password: allauth's enrolment page needs no second proof.
        record_authentication(request, user, method="password", reauthenticated=True)
    return invitation


@transaction.atomic
def accept_by_sso(
    *,
    digest: str,
    email: str,
    name: str,
    create_account: Callable[[str], User],
    request: HttpRequest,
) -> Invitation:
    """Accept the invitation whose token hashes to ``digest`` for a person whose identity provider
    verified ``email`` (and calls them ``name``): ``create_account(address)`` makes the account
    without a password and links the identity, then the membership, in one transaction under the
    invitation's row lock. Signing in is the caller's."""
    invitation = find_by_digest(digest, lock=True)
    if email.lower() != invitation.email:
        raise ValidationError(_("This invitation is for %(email)s.") % {"email": invitation.email})
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(_("You already have an account: sign in first, then open the link again."))
    user = create_account(invitation.email)
    limit = field_limit(Invitation, "full_name")
    provider_name = clean_text(name[:limit], field="full_name", limit=limit, strip=True)
    user.profile.full_name = invitation.full_name or provider_name
    user.profile.save(update_fields=["full_name"])
    _join(invitation, user, request)
    return invitation


def _join(invitation: Invitation, user: User, request: HttpRequest) -> None:
    """The membership the invitation gives, the invitation used, both in the audit log."""
    membership, created = Membership.objects.get_or_create(
        user=user,
        country=invitation.country,
        defaults={"role": invitation.role, "invited_by": invitation.invited_by},
    )
    invitation.user, invitation.accepted_at = user, timezone.now()
    invitation.save(update_fields=["user", "accepted_at"])
    _record(audit.Event.Action.INVITATION_ACCEPTED, invitation, user, request=request)
    if created:
        record_membership(
            membership, user, change=gettext_noop("added"), role=str(membership.get_role_display())
        )


def _create_account(invitation: Invitation, password: str) -> User:
    candidate = User(username=invitation.email, email=invitation.email)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user = User.objects.create_user(username=invitation.email, email=invitation.email, password=password)
    if invitation.full_name:
        user.profile.full_name = invitation.full_name
        user.profile.save(update_fields=["full_name"])
    return user


def landing(invitation: Invitation) -> str:
    """Where an accepted invitation leads: the team's latest assessment, else the list."""
    latest = Assessment.objects.filter(country_id=invitation.country_id).order_by("-cycle").first()
    return latest.get_absolute_url() if latest else reverse("assessments:list")


def _record(
    action: str, invitation: Invitation, by: User | None, request: Any = None, **details: Any
) -> None:
    """The invitation's event in the audit log, under its country, naming the invited address."""
    audit.record(
        action,
        request=request,
        actor=by,
        actor_label="" if by is not None else "manage.py invite",
        target=invitation,
        label=invitation.email,
        country=invitation.country.code,
        role=str(invitation.get_role_display()),
        **details,
    )


def _send_later(kind: str, invitation: Invitation, *, link: str, language: str | None = None) -> None:
    """The e-mail, in the person's language when they have an account, else in the language of
    whoever invites (the page's, or the portal's default for ``manage.py invite``)."""
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        _compose_and_send(kind, invitation, link=link)


def _compose_and_send(kind: str, invitation: Invitation, *, link: str) -> None:
    context = {
        "kind": kind,
        "country": invitation.country.display_name,
        "role": invitation.get_role_display(),
        "name": invitation.full_name,
        "inviter": name_of(invitation.invited_by),
        "link": link,
        "expires": invitation.expires_at,
    }
    subject = " ".join(render_to_string("assessments/email/invitation_subject.txt", context).split())
    body = render_to_string("assessments/email/invitation_body.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[invitation.email])

    def send() -> None:
        try:
            message.send()
        except Exception:  # the invitation stands; the page's "Send again" tries once more
            log.exception("invitation e-mail to invitation %s could not be sent", invitation.pk)

    transaction.on_commit(send)
