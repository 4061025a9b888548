"""Starting an assessment (optionally prefilled), and the rule that a submitted one is read-only."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from framework.models import Framework, Item

from ..exceptions import ReadOnly
from ..models import Answer, Assessment, Country


def require_editable(assessment: Assessment) -> None:
    """Refuse any change to an assessment that its state has made read-only."""
    if not assessment.is_editable:
        raise ReadOnly(
            _("This assessment is %(state)s and can no longer be changed.")
            % {"state": assessment.get_state_display().lower()}
        )


# One answer for a prefill source that is missing, hidden from the user or another country's, in
# the service, the page's form and the API alike, so it never tells whether an id exists.
PREFILL_REFUSED = gettext_lazy("Choose one of this country's assessments to start from.")


@transaction.atomic
def create_assessment(
    *, country: Country, cycle: int, framework: Framework, by: User, prefill_from: Assessment | None = None
) -> Assessment:
    """A new assessment with an empty answer for every assessed item, optionally prefilled."""
    if not 2000 <= cycle <= 2100:
        raise ValidationError({"cycle": _("Give the cycle as a year between 2000 and 2100.")})
    if prefill_from is not None and prefill_from.country_id != country.pk:
        raise ValidationError({"prefill_from": PREFILL_REFUSED})
    if Assessment.objects.filter(country=country, cycle=cycle, framework=framework).exists():
        raise ValidationError(
            {
                "cycle": _("%(country)s already has an assessment for %(cycle)s.")
                % {"country": country, "cycle": cycle}
            }
        )
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                country=country, cycle=cycle, framework=framework, created_by=by, previous=prefill_from
            )
    except IntegrityError:
        raise ValidationError(
            {
                "cycle": _("%(country)s already has an assessment for %(cycle)s.")
                % {"country": country, "cycle": cycle}
            }
        ) from None
    items = Item.objects.filter(framework=framework, kind__in=Item.ASSESSED_KINDS).only("pk", "code", "kind")
    carried: dict[str, Answer] = {}
    if prefill_from is not None:
        carried = {
            a.item.code: a
            for a in prefill_from.answers.select_related("item").exclude(status=Answer.Status.NOT_ASSESSED)
        }
    answers = []
    for item in items:
        previous = carried.get(item.code)
        answer = Answer(assessment=assessment, item=item, kind=item.kind, updated_by=by)
        if previous is not None and previous.kind == item.kind:
            answer.status = previous.status
            answer.narrative = previous.narrative
            answer.justification = previous.justification
            answer.legal_references = previous.legal_references
            answer.carried_over = True
        answers.append(answer)
    # With history from the start, so an item's history shows where it began (and what was carried over).
    bulk_create_with_history(answers, Answer, default_user=by, default_change_reason="assessment created")
    return assessment
