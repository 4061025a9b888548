"""UN Member States, their teams (national coordinator, contributors, observers) and UNODC reviewers."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, cast

from babel.core import Locale, UnknownLocaleError, get_global
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext_lazy as _
from pyuca import Collator
from simple_history.models import HistoricalRecords

REVIEWERS_GROUP = "UNODC reviewers"


def is_reviewer(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_reviewer", None)
    if cached is None:
        cached = user.groups.filter(name=REVIEWERS_GROUP).exists()
        user._is_reviewer = cached
    return bool(cached)


class Region(models.TextChoices):
    AFRICA = "africa", _("Africa")
    AMERICAS = "americas", _("Americas")
    ASIA = "asia", _("Asia")
    EUROPE = "europe", _("Europe")
    OCEANIA = "oceania", _("Oceania")


class CountryQuerySet(models.QuerySet["Country"]):
    def member_states(self) -> CountryQuerySet:
        return self.filter(is_demo=False)

    def of_user(self, user: Any, roles: tuple[str, ...] | None = None) -> CountryQuerySet:
        """Countries whose team ``user`` belongs to (optionally with one of ``roles``)."""
        if not user.is_authenticated:
            return self.none()
        memberships = Membership.objects.filter(user=user)
        if roles:
            memberships = memberships.filter(role__in=roles)
        return self.filter(pk__in=memberships.values("country_id"))


class Country(models.Model):
    code = models.CharField(_("ISO 3166 alpha-3 code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(_("UN region"), max_length=20, choices=Region.choices)
    subregion = models.CharField(_("UN sub-region"), max_length=100, blank=True)
    is_demo = models.BooleanField(
        _("fictitious demo country"), default=False, help_text=_("Never a real State: demo data only.")
    )

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{3}$"), name="country_code_alpha3"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The State's name in the current language, from CLDR (Babel); the stored (UN English)
        name in English, for the fictitious demo countries, and for any CLDR does not know."""
        language = get_language() or settings.LANGUAGE_CODE
        if language == "en" or self.is_demo:
            return self.name
        alpha2 = (get_global("territory_aliases").get(self.code) or [None])[0]
        names = _territory_names(language)
        return names.get(alpha2, self.name) if alpha2 else self.name


@functools.cache
def _territory_names(language: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(to_locale(language)).territories)
    except (UnknownLocaleError, ValueError):
        return {}


@functools.cache
def _collator() -> Collator:
    return Collator()


def by_name[T](objects: Iterable[T], *, country: Callable[[T], Country] | None = None) -> list[T]:
    """``objects`` (countries, or things of a country given by ``country``) in the order of the
    countries' names in the current language: the Unicode collation algorithm (pyuca), so that
    "Égypte" sorts with the E's and not after "Zimbabwe"."""
    collator = _collator()
    of = country or (lambda o: cast(Country, o))
    return sorted(objects, key=lambda o: collator.sort_key(of(o).display_name))


class Membership(models.Model):
    """A user's place in one country's team. A user may belong to several teams."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("National coordinator")
        CONTRIBUTOR = "contributor", _("Contributor")
        OBSERVER = "observer", _("Observer")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["country__name", "role", "user__email"]
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "country"], name="membership_one_role_per_country"),
        ]

    def __str__(self) -> str:
        return f"{self.role}"

    @property
    def can_write(self) -> bool:
        return self.role in (self.Role.COORDINATOR, self.Role.CONTRIBUTOR)
