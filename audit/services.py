"""Writing the audit log: ``record`` is the one way in, for every app."""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar
from typing import Any, NamedTuple

from django.apps import apps
from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import capfirst

from .models import Event

# The request being served, set by ``audit.middleware.CurrentRequest``: a service called from a
# view records the address it came from without having to be given the request.
current_request: ContextVar[HttpRequest | None] = ContextVar("audit_current_request", default=None)

# Facts an event must never hold, whatever a caller passes.
SECRET_KEYS = frozenset({"password", "token", "key", "secret", "otp", "code", "recovery_codes"})
TEXT_LIMIT = 300
DETAILS_LIMIT = 12


class Target(NamedTuple):
    """An object named without its row: a kind (``app_label.model``), an id and a readable label."""

    type: str
    id: str
    label: str


def record(
    action: str,
    *,
    request: HttpRequest | Any | None = None,
    actor: Any | None = None,
    actor_label: str = "",
    target: models.Model | Target | None = None,
    label: str | Promise = "",
    country: str = "",
    address: str | None = None,
    **details: Any,
) -> Event:
    """Write one audit event. It raises rather than fail silently, inside the caller's transaction."""
    request = request if request is not None else current_request.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    # One language for what is stored, whoever's request wrote it; actions are translated when read.
    with translation.override(settings.LANGUAGE_CODE):
        kind, pk, target_label = _target(target, label)
        event = Event(
            action=Event.Action(action),
            actor=actor,
            actor_label=_text(actor_label or _email(actor), 254),
            address=client_address(request) or _valid_address(address),
            country=country.upper(),
            target_type=_text(kind, 100),
            target_id=_text(pk, 64),
            target_label=_text(target_label, TEXT_LIMIT),
            details=_bounded(details),
        )
    event.save()
    return event


def client_address(request: HttpRequest | Any | None) -> str | None:
    """The client's address as the deployment's proxy settings define it (django-axes' rule)."""
    if request is None:
        return None
    if apps.is_installed("axes"):
        from axes.helpers import get_client_ip_address

        found = get_client_ip_address(request)
    else:
        found = request.META.get("REMOTE_ADDR")
    return _valid_address(found)


def _valid_address(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def _email(user: Any | None) -> str:
    if user is None:
        return ""
    return str(getattr(user, "email", "") or user.get_username())


def _target(target: models.Model | Target | None, label: str | Promise) -> tuple[str, str, str]:
    if target is None:
        return "", "", str(label)
    if isinstance(target, Target):
        return target.type, target.id, target.label
    kind = str(capfirst(target._meta.verbose_name))
    return target._meta.label_lower, str(target.pk), f"{kind}: {label or target}"


def _bounded(details: dict[str, Any]) -> dict[str, Any]:
    """Small, readable facts: no secret, short texts, a few keys."""
    refused = sorted(key for key in details if key.lower() in SECRET_KEYS)
    if refused:
        raise ValueError(f"An audit event never holds {', '.join(refused)}.")
    if len(details) > DETAILS_LIMIT:
        raise ValueError(f"An audit event holds at most {DETAILS_LIMIT} details.")
    return {_text(key, 50): _fact(value) for key, value in details.items()}


def _fact(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple):
        return [_text(v, TEXT_LIMIT) for v in value[:DETAILS_LIMIT]]
    return _text(value, TEXT_LIMIT)


def _text(value: Any, limit: int) -> str:
    """Printable text within its bound: what a visitor typed may hold control characters
    (PostgreSQL refuses NUL in text and JSON)."""
    return "".join(ch if ch.isprintable() else " " for ch in str(value)).strip()[:limit]
