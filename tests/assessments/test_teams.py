"""Country teams: a coordinator adds people (a new person gets an account without a password), and
a country always keeps at least one national coordinator.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from assessments import services
from assessments.models import Membership
from tests.factories import CountryFactory, make_team

pytestmark = pytest.mark.django_db


def test_coordinator_adds_a_new_person_who_gets_an_account_without_password() -> None:
    country = CountryFactory()
    team = make_team(country)
    membership = services.add_member(
        country=country, email="New.Person@Ministry.example", role="contributor", by=team["coordinator"]
    )
    assert membership.user.email == "new.person@ministry.example"
    assert not membership.user.has_usable_password()
    with pytest.raises(ValidationError, match="already in the team"):
        services.add_member(
            country=country, email="new.person@ministry.example", role="observer", by=team["coordinator"]
        )


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
