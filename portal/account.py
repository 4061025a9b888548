"""A person's account page: their profile, their API tokens, and the way to their second factor,
password and open sessions (django-allauth's pages)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import languages, mfa, tokens
from .models import ApiToken, Profile, time_zones


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), choices=time_zones)

    class Meta:
        model = Profile
        fields = ["full_name", "institution_kind", "institution", "job_title", "language", "time_zone"]


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("What the token is for"), max_length=100)
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"), min_value=1, max_value=tokens.MAX_DAYS, initial=30
    )


@login_required
def account_page(request: HttpRequest) -> HttpResponse:
    """The profile (GET, POST ``action=profile``) and a new API token (POST ``action=token``)."""
    user: Any = request.user  # signed in: login_required
    profile, _created = Profile.objects.get_or_create(user=user)
    profile_form, token_form = ProfileForm(instance=profile), TokenForm()
    new_secret = None
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "profile":
        profile_form = ProfileForm(request.POST, instance=profile)
        if profile_form.is_valid():
            languages.remember(request, profile_form.save())  # the next pages follow it
            messages.success(request, _("Profile saved."))
            return redirect("account")
    elif action == "token":
        token_form = TokenForm(request.POST)
        if token_form.is_valid():
            _token, new_secret = tokens.issue_token(user=user, **token_form.cleaned_data)
            token_form = TokenForm()
    context: dict[str, Any] = {
        "profile_form": profile_form,
        "token_form": token_form,
        "new_secret": new_secret,
        "tokens": ApiToken.objects.filter(user=user),
        "has_second_factor": mfa.has_second_factor(user),
        "needs_second_factor": mfa.requires_second_factor(user),
        "nav": "account",
    }
    return render(request, "portal/account.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, digest: str) -> HttpResponse:
    if not tokens.revoke_token(user=request.user, digest=digest):
        raise Http404("No such token.")
    messages.success(request, _("Token revoked: programs using it are refused from now on."))
    return redirect("account")
