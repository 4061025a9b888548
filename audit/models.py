"""The audit log: one row per security or access event, written once and never changed."""

from __future__ import annotations

from typing import Any, NoReturn

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The facts events hold, named for the reader (the stored keys stay as written).
DETAIL_LABELS = {
    "assessment": _("assessment"),
    "by": _("by"),
    "change": _("change"),
    "expires": _("expires"),
    "factor": _("factor"),
    "invitation": _("invitation"),
    "member": _("member"),
    "message": _("message"),
    "old_role": _("previous role"),
    "reason": _("reason"),
    "role": _("role"),
    "rows": _("rows"),
    "times_sent": _("times sent"),
}


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit event through the ORM."""


def _refuse(*args: Any, **kwargs: Any) -> NoReturn:
    raise AppendOnlyError("Audit events are append-only: they are never changed or deleted.")


class EventQuerySet(models.QuerySet["Event"]):
    # The ORM's own ways to change rows in bulk refuse; PostgreSQL's trigger refuses the rest.
    update = _refuse
    delete = _refuse
    bulk_update = _refuse
    update_or_create = _refuse


class Event(models.Model):
    class Action(models.TextChoices):
        SIGNED_IN = "signed_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
        SIGNED_OUT = "signed_out", _("Signed out")
        LOCKOUT = "lockout", _("Locked out after repeated failures")
        MFA_ENROLLED = "mfa_enrolled", _("Second factor enrolled")
        MFA_RESET = "mfa_reset", _("Second factor reset")
        INVITATION_SENT = "invitation_sent", _("Invitation sent")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
        MEMBERSHIP_CHANGED = "membership_changed", _("Team membership changed")
        TOKEN_CREATED = "token_created", _("API token created")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        EVIDENCE_DOWNLOADED = "evidence_downloaded", _("Evidence file downloaded")
        REPORT_DOWNLOADED = "report_downloaded", _("Report downloaded")
        SPREADSHEET_EXPORTED = "spreadsheet_exported", _("Spreadsheet exported")
        ADMIN_CHANGE = "admin_change", _("Change in the administration site")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    action = models.CharField(_("event"), max_length=40, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(
        _("person's e-mail"),
        max_length=254,
        blank=True,
        help_text=_("As it was at the time; kept if the account is deleted."),
    )
    address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    country = models.CharField(_("country code"), max_length=3, blank=True)
    target_type = models.CharField(_("kind of object"), max_length=100, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["country", "-at"], name="audit_event_country_at"),
            models.Index(fields=["action", "-at"], name="audit_event_action_at"),
            models.Index(fields=["actor_label"], name="audit_event_actor_label"),
            models.Index(fields=["target_type", "target_id"], name="audit_event_target"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=r"^[A-Z]{3}$"), name="audit_event_country_alpha3"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()

    def details_display(self) -> list[tuple[str, str]]:
        """The details as readable pairs in the reader's language, for the pages and the admin."""
        return [
            (capfirst(str(DETAIL_LABELS.get(key, key.replace("_", " ")))), _display(value))
            for key, value in self.details.items()
        ]

    def target_display(self) -> str:
        """The object as stored ('Evidence: law.pdf', written in English) with its kind, and the
        portal's own words in it, in the reader's language."""
        label = self.target_label
        if not self.target_type:
            return _display(label)
        try:
            meta = apps.get_model(self.target_type)._meta
        except (LookupError, ValueError):
            return label
        with translation.override(settings.LANGUAGE_CODE):
            stored_kind = f"{capfirst(meta.verbose_name)}: "
        if not label.startswith(stored_kind):
            return label
        rest = label[len(stored_kind) :]
        if self.target_type == "reports.reportjob":  # "<kind of report>, <country> <cycle>"
            rest = ", ".join(_display(part) for part in rest.split(", "))
        return f"{capfirst(meta.verbose_name)}: {rest}"


def _display(value: Any) -> str:
    """A stored fact for the reader. The portal's own words were stored in English (marked for
    translation where they are written) and are translated here; anything else reads as stored."""
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(_display(v) for v in value)
    if value is None or value == "":
        return ""
    return gettext(str(value)) if isinstance(value, str) else str(value)
