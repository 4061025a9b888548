"""API tokens (django-rest-knox): asked for with a password and, where the role needs one, a
current code from the second factor; several per person, named, expiring, stored as a hash."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from axes.helpers import get_client_ip_address
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import authenticate, user_login_failed
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

import audit

from . import mfa
from .accounts import attempted_username, must_use_sso
from .api import StrictFields
from .models import ApiToken

MAX_DAYS = 365


@transaction.atomic
def issue_token(*, user: Any, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``; the secret is returned once and only its hash is kept."""
    ttl = timedelta(days=days) if days else settings.REST_KNOX["TOKEN_TTL"]
    instance, secret = ApiToken.objects.create(user=user, expiry=ttl, name=name)
    audit.record(
        audit.Event.Action.TOKEN_CREATED,
        actor=user,
        label=instance.name,
        expires=f"{instance.expiry:%Y-%m-%d}",
    )
    return instance, secret


@transaction.atomic
def revoke_token(*, user: Any, digest: str) -> bool:
    token = ApiToken.objects.filter(user=user, digest=digest).first()
    if token is None:
        return False
    token.delete()
    audit.record(audit.Event.Action.TOKEN_REVOKED, actor=user, label=token.name)
    return True


def valid_code(user: Any, code: str) -> bool:
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return authenticator is not None and TOTP(authenticator).validate_code(code.strip())


class TokenRequest(StrictFields, serializers.Serializer):
    username = serializers.CharField(max_length=254, help_text="The account's e-mail address.")
    password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)
    code = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        help_text="The current six-digit code of the second factor; needed when the account has one.",
    )
    name = serializers.CharField(max_length=100, required=False, help_text="What the token is for.")
    days = serializers.IntegerField(min_value=1, max_value=MAX_DAYS, required=False)


class ObtainToken(APIView):
    """``POST /api/v1/auth/token/``: a new named token, valid ``days`` (30 by default).

    Wrong credentials, and wrong codes, count towards the lockout like the sign-in page's."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    def get_authenticate_header(self, request: Request) -> str:
        return "Token"  # a refusal is 401 with the challenge, as on every other endpoint

    @extend_schema(
        request=TokenRequest,
        responses=inline_serializer(
            "Token",
            {
                "token": serializers.CharField(),
                "name": serializers.CharField(),
                "expiry": serializers.DateTimeField(),
            },
        ),
    )
    def post(self, request: Request) -> Response:
        body = TokenRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        http = request._request
        credentials = {"username": data["username"], "password": data["password"]}
        user = authenticate(request=http, **credentials)
        if user is None or not user.is_active:
            raise AuthenticationFailed(_("Wrong e-mail address or password."))
        if must_use_sso(user):
            raise PermissionDenied(
                _("Your account signs in with single sign-on: create a token on your account page.")
            )
        if mfa.lacks_required_factor(user):
            raise PermissionDenied(_(mfa.ENROL_FIRST))
        if mfa.has_second_factor(user) and not valid_code(user, data.get("code", "")):
            user_login_failed.send(sender=__name__, credentials={"username": data["username"]}, request=http)
            raise AuthenticationFailed(_("Give the current code from your authenticator app as “code”."))
        name = data.get("name") or _("API token of %(date)s") % {"date": timezone.now().date().isoformat()}
        instance, secret = issue_token(user=user, name=name, days=data.get("days"))
        # A success clears the pair's failures, as a sign-in on the page does.
        reset(ip=get_client_ip_address(http), username=attempted_username(http, credentials))
        return Response(
            {"token": secret, "name": instance.name, "expiry": instance.expiry}, status=status.HTTP_200_OK
        )
