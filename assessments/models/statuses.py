"""The statuses an answer can take, which fit which kind of item, and which need a justification."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class AnswerStatus(models.TextChoices):
    NOT_ASSESSED = "not_assessed", _("Not yet assessed")
    MET = "met", _("Met")
    PARTIALLY_MET = "partially_met", _("Partially met")
    NOT_MET = "not_met", _("Not met")
    IN_PLACE = "in_place", _("In place")
    PARTIALLY_IN_PLACE = "partially_in_place", _("Partially in place")
    PLANNED = "planned", _("Planned")
    NOT_IN_PLACE = "not_in_place", _("Not in place")
    ALTERNATIVE = "alternative", _("Alternative measure in place")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


# Framework indicators are met or not; implementation measures are in place or not.
INDICATOR_STATUSES = (
    AnswerStatus.MET,
    AnswerStatus.PARTIALLY_MET,
    AnswerStatus.NOT_MET,
    AnswerStatus.NOT_APPLICABLE,
    AnswerStatus.NOT_ASSESSED,
)


MEASURE_STATUSES = (
    AnswerStatus.IN_PLACE,
    AnswerStatus.PARTIALLY_IN_PLACE,
    AnswerStatus.PLANNED,
    AnswerStatus.NOT_IN_PLACE,
    AnswerStatus.ALTERNATIVE,
    AnswerStatus.NOT_APPLICABLE,
    AnswerStatus.NOT_ASSESSED,
)


# What each status means (level descriptors), so that "partially met" means the same in every
# country; shown beside the choice and on "How scores are computed".
_NOT_APPLICABLE = _(
    "The item does not apply to the country's situation. A justification saying why is required; "
    "the item is left out of the scores."
)
_NOT_ASSESSED = _(
    "Nobody has judged the item yet. It counts neither for nor against the country, but it lowers "
    "the coverage of every score it belongs to."
)
INDICATOR_DEFINITIONS: dict[str, Promise] = {
    AnswerStatus.MET: _(
        "Every element of the minimum standard is in place, in law and in practice, throughout the "
        "country and for everyone it concerns, and evidence can show it."
    ),
    AnswerStatus.PARTIALLY_MET: _(
        "Some elements of the standard are in place but not all: for example in law but not yet in "
        "practice, in some regions or agencies only, or for some of the people it concerns only."
    ),
    AnswerStatus.NOT_MET: _("No element of the standard is in place yet."),
    AnswerStatus.NOT_APPLICABLE: _NOT_APPLICABLE,
    AnswerStatus.NOT_ASSESSED: _NOT_ASSESSED,
}
MEASURE_DEFINITIONS: dict[str, Promise] = {
    AnswerStatus.IN_PLACE: _(
        "The measure is adopted, has the staff and budget it needs and is applied in practice "
        "throughout the country."
    ),
    AnswerStatus.PARTIALLY_IN_PLACE: _(
        "The measure exists but is incomplete: adopted but not yet applied everywhere, or applied "
        "only in some regions, by some agencies or for some groups."
    ),
    AnswerStatus.PLANNED: _(
        "The measure is decided or drafted (a bill, a plan, a budget line) but not yet applied; it "
        "scores as not in place."
    ),
    AnswerStatus.NOT_IN_PLACE: _("No such measure exists and none is planned."),
    AnswerStatus.ALTERNATIVE: _(
        "The country reaches the measure's aim by other means. A justification describing them is "
        "required; it scores as in place."
    ),
    AnswerStatus.NOT_APPLICABLE: _NOT_APPLICABLE,
    AnswerStatus.NOT_ASSESSED: _NOT_ASSESSED,
}

DEFINITIONS: dict[str, Promise] = {**INDICATOR_DEFINITIONS, **MEASURE_DEFINITIONS}


def describe(statuses: Iterable[str]) -> list[tuple[str, str]]:
    """Each of ``statuses`` with its label and what it means, in the reader's language."""
    labels = dict(AnswerStatus.choices)
    return [(str(labels[s]), str(DEFINITIONS[s])) for s in statuses]


# The Framework is guidance, not a rigid instruction: departing from it needs a reason.
NEEDS_JUSTIFICATION = (AnswerStatus.NOT_APPLICABLE, AnswerStatus.ALTERNATIVE)


# What each status counts for in a share (gap analysis, secretariat matrix). Statuses absent here
# (not applicable, not yet assessed) are left out of both sides of the share.
INDICATOR_CREDIT: dict[str, float] = {
    AnswerStatus.MET: 1.0,
    AnswerStatus.PARTIALLY_MET: 0.5,
    AnswerStatus.NOT_MET: 0.0,
}


MEASURE_CREDIT: dict[str, float] = {
    AnswerStatus.IN_PLACE: 1.0,
    AnswerStatus.ALTERNATIVE: 1.0,
    AnswerStatus.PARTIALLY_IN_PLACE: 0.5,
    AnswerStatus.PLANNED: 0.0,
    AnswerStatus.NOT_IN_PLACE: 0.0,
}
