"""Country teams: a country always keeps at least one national coordinator (people join by
invitation: tests/assessments/test_invitations.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from assessments import services
from assessments.models import Membership
from tests.factories import CountryFactory, make_team

pytestmark = pytest.mark.django_db


def test_the_last_coordinator_cannot_leave_or_step_down() -> None:
    country = CountryFactory()
    team = make_team(country)
    coordinator = Membership.objects.get(user=team["coordinator"], country=country)
    with pytest.raises(ValidationError, match="at least one national coordinator"):
        services.remove_member(membership=coordinator, by=team["coordinator"])
    with pytest.raises(ValidationError, match="at least one national coordinator"):
        services.change_member_role(membership=coordinator, role="observer", by=team["coordinator"])
    contributor = Membership.objects.get(user=team["contributor"], country=country)
    services.change_member_role(membership=contributor, role="coordinator", by=team["coordinator"])
    services.remove_member(membership=coordinator, by=team["coordinator"])
    assert not Membership.objects.filter(pk=coordinator.pk).exists()
