"""Forms parse what a browser sends; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from framework.models import Framework, Item

from .models import (
    Assessment,
    Country,
    Evidence,
    Invitation,
    Membership,
    NationalMeasure,
    TechnicalAssistanceNeed,
)
from .services import PREFILL_REFUSED
from .texts import field_limit, limit_hint


class ShowsTextLimits:
    """Each free-text field shows its limit beside it, and no ``maxlength`` attribute: a browser
    silently drops the end of a longer paste. The service refuses an over-long text with a message
    naming the limit, counted exactly as for the API."""

    fields: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.CharField) or field.max_length is None:
                continue
            field.widget.attrs.pop("maxlength", None)
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
            # A web address or a short code (a currency) needs no count beside it.
            if field.max_length >= 50 and not isinstance(field, forms.URLField) and not field.help_text:
                field.help_text = limit_hint(field.max_length)


class EnglishOptions(forms.Select):
    """A drop-down of the Framework's editions, whose English titles are marked as English."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        if option["value"]:
            option["attrs"]["lang"] = "en"
        return option


class AssessmentCreateForm(forms.Form):
    country = forms.ModelChoiceField(queryset=Country.objects.none(), label=_("Country"))
    cycle = forms.IntegerField(label=_("Cycle (year)"), min_value=2000, max_value=2100)
    framework = forms.ModelChoiceField(
        queryset=Framework.objects.all(), label=_("Framework edition"), widget=EnglishOptions
    )
    prefill_from = forms.ModelChoiceField(
        queryset=Assessment.objects.none(),
        required=False,
        error_messages={"invalid_choice": PREFILL_REFUSED},
        label=_("Start from a previous assessment"),
        help_text=_(
            "Its answers are copied and marked “carried over” until someone confirms or changes them."
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries = Country.objects.of_user(user, roles=(Membership.Role.COORDINATOR,))
        country_field: Any = self.fields["country"]
        country_field.queryset = countries
        previous: Any = self.fields["prefill_from"]
        previous.queryset = Assessment.objects.filter(country__in=countries).select_related("country")
        previous.label_from_instance = lambda a: (
            f"{a.country.display_name} {a.cycle} ({a.get_state_display()})"
        )
        current = Framework.objects.current()
        if current is not None:
            self.fields["framework"].initial = current.pk
        if countries.count() == 1:
            self.fields["country"].initial = countries.first()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        country, source = cleaned.get("country"), cleaned.get("prefill_from")
        if country is not None and source is not None and source.country_id != country.pk:
            self.add_error("prefill_from", PREFILL_REFUSED)
        return cleaned


class EvidenceFileForm(ShowsTextLimits, forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(label=_("Title"), max_length=field_limit(Evidence, "title"), required=False)
    description = forms.CharField(
        label=_("Description"),
        max_length=field_limit(Evidence, "description"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class EvidenceLinkForm(ShowsTextLimits, forms.Form):
    url = forms.URLField(
        label=_("Web address"), max_length=field_limit(Evidence, "url"), assume_scheme="https"
    )
    title = forms.CharField(label=_("Title"), max_length=field_limit(Evidence, "title"))
    description = forms.CharField(
        label=_("Description"),
        max_length=field_limit(Evidence, "description"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class NationalMeasureForm(ShowsTextLimits, forms.ModelForm):
    class Meta:
        model = NationalMeasure
        fields = ["title", "description", "responsible_body", "timeline", "budget", "currency", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class TechnicalAssistanceNeedForm(ShowsTextLimits, forms.ModelForm):
    class Meta:
        model = TechnicalAssistanceNeed
        fields = ["area", "item", "priority", "description", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, requirement: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if requirement is not None:
            field: Any = self.fields["item"]
            field.queryset = requirement.items.filter(kind__in=Item.ASSESSED_KINDS)
            field.label_from_instance = lambda i: f"{i.code} {i.text[:80]}"


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.CONTRIBUTOR
    )
    full_name = forms.CharField(
        label=_("Name"),
        max_length=field_limit(Invitation, "full_name"),
        required=False,
        help_text=_("As the e-mail should greet them (optional)."),
    )


class CoordinatorInviteForm(InviteForm):
    """From the Countries page: the person invited is always the national coordinator."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["role"]


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, needs_password: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_password:
            self.fields.clear()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        return cleaned
