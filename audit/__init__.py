"""The audit log of security and access events. It imports no other app of the portal; every app
writes to it with ``audit.record(audit.Event.Action.…, request=…, target=…, country=…)``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from audit.models import Event as Event
    from audit.services import record as record
else:

    def __getattr__(name: str) -> Any:
        # Loaded on first use: this package is imported while the app registry is still filling,
        # before models may be.
        if name == "record":
            from audit.services import record

            return record
        if name == "Event":
            from audit.models import Event

            return Event
        raise AttributeError(name)
