"""Operational data: a value per indicator and year with its source, breakdowns that never exceed
the total, clear messages for bad values, and the same rules through the API.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F

from assessments import services
from assessments.models import Assessment, Breakdown, OperationalData
from framework.models import DisaggregationCategory, DisaggregationDimension, Item
from tests.factories import api, build_catalogue, make_assessment

pytestmark = pytest.mark.django_db


def indicator(assessment: Assessment, code: str, answer_type: str = "count") -> Item:
    item = Item.objects.get(framework=assessment.framework, code=code)
    item.answer_type = answer_type
    item.save()
    return item


def dimension_with(categories: list[str], code: str = "sex") -> list[DisaggregationCategory]:
    dim = DisaggregationDimension.objects.create(code=code, name=code.title(), position=1)
    return [
        DisaggregationCategory.objects.create(dimension=dim, code=c, name=c.title(), position=n)
        for n, c in enumerate(categories)
    ]


def test_a_count_is_recorded_per_year_with_source_and_method() -> None:
    assessment = make_assessment()
    oi = indicator(assessment, "1.1.OI1")
    data = services.save_data(
        assessment=assessment,
        indicator=oi,
        period=2025,
        by=assessment.created_by,
        base_version=None,
        values={"value_count": "1,204", "source": "Police statistics", "method": "recorded"},
    )
    assert (data.value_count, data.version) == (1204, 1)
    with pytest.raises(services.Conflict):
        services.save_data(
            assessment=assessment,
            indicator=oi,
            period=2025,
            by=assessment.created_by,
            base_version=None,
            values={},
        )


def test_breakdown_parts_may_not_exceed_the_total_along_a_dimension() -> None:
    assessment = make_assessment()
    oi = indicator(assessment, "1.1.OI1")
    female, male, unknown = dimension_with(["female", "male", "unknown"])
    data = services.save_data(
        assessment=assessment,
        indicator=oi,
        period=2025,
        by=assessment.created_by,
        base_version=None,
        values={"value_count": 100},
    )
    with pytest.raises(ValidationError, match=r"by sex add up to 130, more than the total of 100"):
        services.set_breakdowns(
            data_id=data.pk, by=assessment.created_by, base_version=1, parts={female.pk: 80, male.pk: 50}
        )
    assert not data.breakdowns.exists()
    saved = services.set_breakdowns(
        data_id=data.pk,
        by=assessment.created_by,
        base_version=1,
        parts={female.pk: 60, male.pk: 35, unknown.pk: 5},
    )
    assert sorted(saved.breakdowns.values_list("value", flat=True)) == [5, 35, 60]
    # Lowering the total below its parts is refused as well.
    with pytest.raises(ValidationError, match="more than the total of 90"):
        services.save_data(
            assessment=assessment,
            indicator=oi,
            period=2025,
            by=assessment.created_by,
            base_version=2,
            values={"value_count": 90},
        )
    data.refresh_from_db()
    assert data.value_count == 100


def test_the_history_of_data_reads_its_breakdown_by_category_with_the_save_it_came_with() -> None:
    """Each category's part, before and after, beside the save of the count; a category left as
    it was is not listed."""
    from django.test import Client

    from tests.factories import CountryFactory, make_team

    country = CountryFactory()
    by = make_team(country, "bd")["coordinator"]
    assessment = make_assessment(country=country, by=by)
    oi = indicator(assessment, "1.1.OI1")
    female, male = dimension_with(["female", "male"])
    values = {"value_count": 100, "source": "Police statistics"}
    data = services.save_data(
        assessment=assessment, indicator=oi, period=2025, by=by, base_version=None, values=values
    )
    services.set_breakdowns(data_id=data.pk, by=by, base_version=1, parts={female.pk: 60, male.pk: 40})
    earlier = {"history_date": F("history_date") - timedelta(hours=1)}
    OperationalData.history.filter(id=data.pk).update(**earlier)
    Breakdown.history.filter(data_id=data.pk).update(**earlier)
    services.set_breakdowns(data_id=data.pk, by=by, base_version=2, parts={female.pk: 55, male.pk: 40})
    client = Client()
    client.force_login(by)
    html = client.get(f"/assessments/{assessment.pk}/history/data/{data.pk}/").content.decode()
    main = html.split("<main", 1)[1]
    newest = main.split('<ol class="history">')[1].split("<li>")[1]
    assert "Breakdown by Sex: Female" in newest and ">60<" in newest and ">55<" in newest
    assert "Male" not in newest and "Saved without a change" not in newest
    assert main.count("Breakdown by Sex: Male") == 1


@pytest.mark.parametrize(
    ("answer_type", "values", "message"),
    [
        ("count", {"value_count": "-3"}, "cannot be negative"),
        ("count", {"value_count": "twelve"}, "whole number"),
        ("amount", {"value_amount": "2500"}, "three-letter"),
        ("amount", {"value_amount": "-1", "currency": "USD"}, "positive amount"),
        ("yes_no", {"value_bool": "maybe"}, "yes or no"),
        ("count", {"not_collected": "on"}, "why the data is not collected"),
    ],
)
def test_bad_data_gets_a_clear_message_and_changes_nothing(
    answer_type: str, values: dict[str, Any], message: str
) -> None:
    assessment = make_assessment()
    oi = indicator(assessment, "1.1.OI1", answer_type)
    with pytest.raises(ValidationError, match=message):
        services.save_data(
            assessment=assessment,
            indicator=oi,
            period=2025,
            by=assessment.created_by,
            base_version=None,
            values=values,
        )
    assert not OperationalData.objects.exists()


def test_an_amount_keeps_its_currency() -> None:
    assessment = make_assessment()
    oi = indicator(assessment, "1.1.OI1", "amount")
    data = services.save_data(
        assessment=assessment,
        indicator=oi,
        period=2025,
        by=assessment.created_by,
        base_version=None,
        values={"value_amount": "250000.50", "currency": "eur"},
    )
    assert (str(data.value_amount), data.currency) == ("250000.50", "EUR")


# --- through the API -----------------------------------------------------------------------------


def test_operational_data_and_breakdowns(setup: dict[str, Any]) -> None:
    client = api(setup["team"]["contributor"])
    base = f"/api/v1/assessments/{setup['a'].pk}/data/"
    created = client.post(
        base,
        {"indicator": "1.1.OI1", "period": 2025, "value_count": 100, "method": "recorded"},
        format="json",
    )
    assert created.status_code == 201
    assert created["ETag"] == '"1"'
    row = created.json()["id"]
    assert (
        client.post(
            base, {"indicator": "1.1.OI1", "period": 2025, "value_count": 5}, format="json"
        ).status_code
        == 400
    )
    dim = DisaggregationDimension.objects.create(code="sex", name="Sex", position=1)
    for n, code in enumerate(["female", "male"]):
        DisaggregationCategory.objects.create(dimension=dim, code=code, name=code, position=n)
    over = client.put(
        f"{base}{row}/breakdowns/", {"sex": {"female": 70, "male": 40}}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert over.status_code == 400
    assert "more than the total of 100" in str(over.json())
    ok = client.put(
        f"{base}{row}/breakdowns/", {"sex": {"female": 60, "male": 40}}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert ok.status_code == 200
    assert sorted(b["value"] for b in ok.json()["breakdowns"]) == [40, 60]
    assert (
        client.patch(f"{base}{row}/", {"value_count": 120}, format="json", HTTP_IF_MATCH='"1"').status_code
        == 412
    )
    assert (
        client.patch(
            f"{base}{row}/", {"value_count": 120}, format="json", HTTP_IF_MATCH=ok["ETag"]
        ).status_code
        == 200
    )
    other_indicator = Item.objects.create(
        framework=build_catalogue(),
        pillar=setup["fw"].pillars.first(),
        requirement=setup["fw"].requirements.first(),
        kind="operational_indicator",
        kind_order=4,
        position=99,
        code="9.9.OI9",
        text="x",
        answer_type="count",
    )
    assert (
        client.post(base, {"indicator": other_indicator.code, "period": 2025}, format="json").status_code
        == 400
    )


def test_unknown_fields_of_operational_data_are_refused_and_its_identity_is_read_only(
    setup: dict[str, Any],
) -> None:
    client = api(setup["team"]["contributor"])
    base = f"/api/v1/assessments/{setup['a'].pk}/data/"
    typo = client.post(base, {"indicator": "1.1.OI1", "period": 2025, "value_cuont": 100}, format="json")
    assert typo.status_code == 400
    assert set(typo.json()) == {"value_cuont"}
    assert not client.get(base).json()["results"]
    row = client.post(base, {"indicator": "1.1.OI1", "period": 2025, "value_count": 100}, format="json")
    url = f"{base}{row.json()['id']}/"
    for body, field in [
        ({"value_count": 5, "period": 2024}, "period"),
        ({"value_count": 5, "version": 9}, "version"),
        ({"value_count": 5, "assessment": 1}, "assessment"),
    ]:
        response = client.patch(url, body, format="json", HTTP_IF_MATCH='"1"')
        assert response.status_code == 400, body
        assert set(response.json()) == {field}
    assert client.get(url).json()["value_count"] == 100


def test_operational_data_filter_is_checked(setup: dict[str, Any]) -> None:
    client = api(setup["team"]["observer"])
    base = f"/api/v1/assessments/{setup['a'].pk}/data/"
    assert client.get(f"{base}?indicator=1.1.OI1").status_code == 200
    response = client.get(f"{base}?indicator=%00")
    assert response.status_code == 400 and "indicator" in response.json()
