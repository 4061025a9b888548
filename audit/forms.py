"""The filters over the audit log, shared by the administrators' page and a team's activity page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Event


class EventFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Event"), required=False, choices=[("", _("All")), *Event.Action.choices]
    )
    person = forms.CharField(label=_("Person (e-mail contains)"), required=False, max_length=254)
    country = forms.RegexField(
        label=_("Country code"),
        required=False,
        regex=r"^[A-Za-z]{3}$",
        max_length=3,
        error_messages={"invalid": _("Give a three-letter country code.")},
    )
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, with_country: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_country:
            del self.fields["country"]

    def filters(self) -> dict[str, Any]:
        """The valid filters, for ``selectors.events``; an invalid one is left out (its error shows)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {key: value for key, value in self.cleaned_data.items() if value not in ("", None)}
