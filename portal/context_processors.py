"""What base.html needs on every page, so that no view has to remember to pass it."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from assessments.models import is_reviewer
from audit.access import shows_log_link


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Whether the navigation shows the Secretariat link (to UNODC reviewers) and the audit log's (to
    administrators), on every page."""
    user = getattr(request, "user", None) or AnonymousUser()
    # A callable the template calls only when it renders the link, and is_reviewer keeps its answer
    # on the user: a partial or a page whose view already asked costs no query.
    return {"show_secretariat": partial(is_reviewer, user), "show_audit_log": partial(shows_log_link, user)}
