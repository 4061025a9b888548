"""People's accounts: the profile beside Django's user, and the API tokens (django-rest-knox)."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


@cache
def time_zones() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Choose a time zone from the list."))


class Profile(models.Model):
    """What the team page and the e-mails say of a person; the account itself is Django's user."""

    class InstitutionKind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        AGENCY = "agency", _("Government agency")
        PARLIAMENT = "parliament", _("Parliament")
        RAPPORTEUR = "rapporteur", _("National rapporteur's office")
        JUDICIARY = "judiciary", _("Judiciary or prosecution")
        UNODC = "unodc", _("UNODC")
        OTHER = "other", _("Other")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    institution_kind = models.CharField(
        _("kind of institution"), max_length=20, choices=InstitutionKind.choices, blank=True
    )
    institution = models.CharField(
        _("institution"), max_length=200, blank=True, help_text=_("For example: Ministry of Justice.")
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the portal's pages, e-mails and reports to you."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return self.full_name or self.user.get_username()


class ApiToken(AbstractAuthToken):
    """An API token: only its hash is stored; the person names it and it expires."""

    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for."))

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return self.name
