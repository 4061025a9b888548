"""The statuses an answer can take, which fit which kind of item, and which need a justification."""

from __future__ import annotations

from django.db import models
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
