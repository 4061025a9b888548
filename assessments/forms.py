"""Forms parse what a browser sends; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from framework.models import Framework, Item

from .models import Assessment, Country, Membership, NationalMeasure, TechnicalAssistanceNeed
from .services import PREFILL_REFUSED


class AssessmentCreateForm(forms.Form):
    country = forms.ModelChoiceField(queryset=Country.objects.none(), label=_("Country"))
    cycle = forms.IntegerField(label=_("Cycle (year)"), min_value=2000, max_value=2100)
    framework = forms.ModelChoiceField(queryset=Framework.objects.all(), label=_("Framework edition"))
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
        previous.label_from_instance = lambda a: f"{a.country.name} {a.cycle} ({a.get_state_display()})"
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


class EvidenceFileForm(forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class EvidenceLinkForm(forms.Form):
    url = forms.URLField(label=_("Web address"), max_length=1000, assume_scheme="https")
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class NationalMeasureForm(forms.ModelForm):
    class Meta:
        model = NationalMeasure
        fields = ["title", "description", "responsible_body", "timeline", "budget", "currency", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class TechnicalAssistanceNeedForm(forms.ModelForm):
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


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
