"""National measures and technical-assistance needs, recorded per requirement."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import NationalMeasure, TechnicalAssistanceNeed
from ..texts import clean_text_fields
from .assessments import require_editable


@transaction.atomic
def save_national_measure(*, measure: NationalMeasure, by: User) -> NationalMeasure:
    """Create or change a national measure of one of the framework's requirements."""
    require_editable(measure.assessment)
    if measure.requirement.framework_id != measure.assessment.framework_id:
        raise ValidationError({"requirement": _("Choose a requirement of this assessment's framework.")})
    if measure.pk is None:
        measure.created_by = by
    clean_text_fields(measure)
    measure.full_clean(exclude=["created_by", "assessment"])
    measure._history_user = by  # type: ignore[attr-defined]
    measure.save()
    return measure


@transaction.atomic
def save_ta_need(*, need: TechnicalAssistanceNeed, by: User) -> TechnicalAssistanceNeed:
    """Create or change a technical-assistance need of a requirement (optionally of one item)."""
    require_editable(need.assessment)
    if need.requirement.framework_id != need.assessment.framework_id:
        raise ValidationError({"requirement": _("Choose a requirement of this assessment's framework.")})
    if need.item is not None and need.item.requirement_id != need.requirement_id:
        raise ValidationError({"item": _("The item must belong to the requirement.")})
    if need.pk is None:
        need.created_by = by
    clean_text_fields(need)
    need.full_clean(exclude=["created_by", "assessment"])
    need._history_user = by  # type: ignore[attr-defined]
    need.save()
    return need


@transaction.atomic
def delete_national_measure(*, measure: NationalMeasure, by: User) -> None:
    """Remove a national measure while the assessment is open for editing."""
    require_editable(measure.assessment)
    measure.delete()


@transaction.atomic
def delete_ta_need(*, need: TechnicalAssistanceNeed, by: User) -> None:
    """Remove a technical-assistance need while the assessment is open for editing."""
    require_editable(need.assessment)
    need.delete()
