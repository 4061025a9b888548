"""Signal receivers for accounts: every user has a profile; a deactivated user's access ends."""

from __future__ import annotations

from typing import Any

from .accounts import end_access
from .models import Profile


def make_profile(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        Profile.objects.get_or_create(user=instance)


def end_access_of_deactivated(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw and not instance.is_active:
        end_access(instance)
