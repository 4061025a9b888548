"""Country teams and their self-assessments against the Framework for Action.

Visibility is by country: every view and API fetch starts from an assessment the user may see
(``Assessment.objects.visible_to`` or ``access.visible_assessment``) and reaches answers, data and
files through it, so another country's anything is a 404 exactly like a missing one.
Answers, operational data and breakdowns carry a version for optimistic concurrency; every
change to them (and to evidence links and assessment state) is kept by django-simple-history.
Aggregate figures only: nothing here describes an individual victim.

One topic, one module; this package names them all, so ``assessments.models.Answer`` reads as before.
"""

from .answers import Answer, AnswerEvidence
from .assessments import Assessment, AssessmentQuerySet, Transition
from .countries import REVIEWERS_GROUP, Country, CountryQuerySet, Membership, Region, by_name, is_reviewer
from .data import Breakdown, OperationalData
from .evidence import Evidence, PrivateStorage, evidence_path, private_storage
from .invitations import Invitation, InvitationQuerySet, hash_token
from .notifications import Notification
from .records import NationalMeasure, TechnicalAssistanceNeed
from .review import Finding, FindingReply
from .statuses import (
    INDICATOR_CREDIT,
    INDICATOR_STATUSES,
    MEASURE_CREDIT,
    MEASURE_STATUSES,
    NEEDS_JUSTIFICATION,
    AnswerStatus,
)

__all__ = [
    "INDICATOR_CREDIT",
    "INDICATOR_STATUSES",
    "MEASURE_CREDIT",
    "MEASURE_STATUSES",
    "NEEDS_JUSTIFICATION",
    "REVIEWERS_GROUP",
    "Answer",
    "AnswerEvidence",
    "AnswerStatus",
    "Assessment",
    "AssessmentQuerySet",
    "Breakdown",
    "Country",
    "CountryQuerySet",
    "Evidence",
    "Finding",
    "FindingReply",
    "Invitation",
    "InvitationQuerySet",
    "Membership",
    "NationalMeasure",
    "Notification",
    "OperationalData",
    "PrivateStorage",
    "Region",
    "TechnicalAssistanceNeed",
    "Transition",
    "by_name",
    "evidence_path",
    "hash_token",
    "is_reviewer",
    "private_storage",
]
