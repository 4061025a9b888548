"""The review workflow in one table: every step, the states it leads from and to, who takes it,
what it is called on a button and in a sentence, and whom it notifies.

    draft → submitted → in review → accepted
                              ↘ returned → submitted …

The service (``services.review.transition``) takes the steps, ``access.may_take`` reads who may,
the pages label their buttons from here, and the notification kinds are named here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Assessment

State = Assessment.State


@dataclass(frozen=True)
class Step:
    sources: tuple[str, ...]  # the states it may be taken from
    target: str  # the state it leads to
    label: Promise  # on the button
    past: Promise  # in a sentence: "it cannot be %(past)s now"
    taken_by: str  # "coordinator" (of the country) or "reviewer" (UNODC)
    notifies: str | None  # the notification kind sent once it is taken, if any


STEPS: dict[str, Step] = {
    "submit": Step(
        sources=(State.DRAFT, State.RETURNED),
        target=State.SUBMITTED,
        label=_("Submit to UNODC"),
        past=_("submitted"),
        taken_by="coordinator",
        notifies="submitted",
    ),
    "start_review": Step(
        sources=(State.SUBMITTED,),
        target=State.IN_REVIEW,
        label=_("Start the review"),
        past=_("taken into review"),
        taken_by="reviewer",
        notifies=None,
    ),
    "return": Step(
        sources=(State.IN_REVIEW,),
        target=State.RETURNED,
        label=_("Return to the country"),
        past=_("returned"),
        taken_by="reviewer",
        notifies="returned",
    ),
    "accept": Step(
        sources=(State.IN_REVIEW,),
        target=State.ACCEPTED,
        label=_("Accept"),
        past=_("accepted"),
        taken_by="reviewer",
        notifies="accepted",
    ),
}


def steps_from(state: str) -> list[str]:
    """The steps that can be taken from ``state``, in the table's order."""
    return [action for action, step in STEPS.items() if state in step.sources]
