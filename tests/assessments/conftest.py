"""Fixtures shared by the assessment topics."""

from __future__ import annotations

from typing import Any

import pytest

from assessments import services
from tests.factories import CountryFactory, build_catalogue, make_team


@pytest.fixture
def setup() -> dict[str, Any]:
    """Two countries, each with a team and a draft assessment of a 2x2 catalogue."""
    fw = build_catalogue(requirements=2, per_column=2)
    a_country, b_country = CountryFactory(code="XAA"), CountryFactory(code="XBB")
    team = make_team(a_country, "a")
    other = make_team(b_country, "b")
    a = services.create_assessment(country=a_country, cycle=2026, framework=fw, by=team["coordinator"])
    b = services.create_assessment(country=b_country, cycle=2026, framework=fw, by=other["coordinator"])
    return {"fw": fw, "a": a, "b": b, "team": team, "other": other}
