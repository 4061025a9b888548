"""Events that libraries announce with signals: sign-in and out, lockout, second factor, admin changes.

Connected in ``AuditConfig.ready``. The axes and allauth signals are connected only when their
apps are installed, since importing their signal modules loads their models.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth import signals as auth_signals
from django.db.models.signals import post_save
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import Event
from .services import Target, record

USERNAME_LIMIT = 150


def signed_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    record(Event.Action.SIGNED_IN, request=request, actor=user, target=user, label=_email_of(user))


def sign_in_failed(
    sender: Any, credentials: dict[str, Any] | None = None, request: Any = None, **kwargs: Any
) -> None:
    # Only the name that was typed: Django has already masked the password, and it is never read.
    field = get_user_model().USERNAME_FIELD
    attempted = str((credentials or {}).get(field) or (credentials or {}).get("email") or "").strip()
    record(Event.Action.SIGN_IN_FAILED, request=request, actor_label=attempted[:USERNAME_LIMIT])


def signed_out(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if user is not None:
        record(Event.Action.SIGNED_OUT, request=request, actor=user, target=user, label=_email_of(user))


def locked_out(
    sender: Any,
    request: Any = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    record(
        Event.Action.LOCKOUT,
        request=request,
        actor_label=str(username or "")[:USERNAME_LIMIT],
        address=ip_address,
    )


def factor_added(
    sender: Any, request: Any = None, user: Any = None, authenticator: Any = None, **kwargs: Any
) -> None:
    _factor(Event.Action.MFA_ENROLLED, request, user, authenticator)


def factor_reset(
    sender: Any, request: Any = None, user: Any = None, authenticator: Any = None, **kwargs: Any
) -> None:
    _factor(Event.Action.MFA_RESET, request, user, authenticator)


def _factor(action: str, request: Any, user: Any, authenticator: Any) -> None:
    kind = authenticator.get_type_display() if authenticator is not None else ""
    # The person who acted (an administrator resetting someone's factor), else the factor's owner.
    by = getattr(request, "user", None)
    actor = by if by is not None and by.is_authenticated else user
    record(action, request=request, actor=actor, target=user, label=_email_of(user), factor=str(kind))


FLAGS = {ADDITION: gettext_noop("added"), CHANGE: gettext_noop("changed"), DELETION: gettext_noop("deleted")}


def admin_changed(
    sender: Any, instance: LogEntry, created: bool = False, raw: bool = False, **kwargs: Any
) -> None:
    """Each entry of the admin's own log, in words: what was added, changed or deleted, and how."""
    if not created or raw:
        return
    content_type = instance.content_type
    kind = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    with translation.override(settings.LANGUAGE_CODE):
        name = str(content_type.name).capitalize() if content_type else _("Object")
        message = instance.get_change_message()
    record(
        Event.Action.ADMIN_CHANGE,
        actor=instance.user,
        target=Target(kind, str(instance.object_id or ""), f"{name}: {instance.object_repr}"),
        change=FLAGS.get(instance.action_flag, ""),
        message=message,
    )


def _email_of(user: Any) -> str:
    return str(getattr(user, "email", "") or user.get_username()) if user is not None else ""


def connect() -> None:
    auth_signals.user_logged_in.connect(signed_in, dispatch_uid="audit.signed_in")
    auth_signals.user_login_failed.connect(sign_in_failed, dispatch_uid="audit.sign_in_failed")
    auth_signals.user_logged_out.connect(signed_out, dispatch_uid="audit.signed_out")
    post_save.connect(admin_changed, sender=LogEntry, dispatch_uid="audit.admin_changed")
    if apps.is_installed("axes"):
        from axes.signals import user_locked_out

        user_locked_out.connect(locked_out, dispatch_uid="audit.locked_out")
    if apps.is_installed("allauth.mfa"):
        from allauth.mfa import signals as mfa_signals

        mfa_signals.authenticator_added.connect(factor_added, dispatch_uid="audit.factor_added")
        mfa_signals.authenticator_removed.connect(factor_reset, dispatch_uid="audit.factor_removed")
        mfa_signals.authenticator_reset.connect(factor_reset, dispatch_uid="audit.factor_reset")
