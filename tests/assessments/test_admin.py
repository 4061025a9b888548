"""The Django admin keeps the rules: an assessment's content and history are read-only there."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Answer, Assessment, OperationalData, Transition
from tests.factories import CountryFactory, build_catalogue, make_reviewer, make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    country = CountryFactory(code="XAD")
    team = make_team(country, "ad")
    fw = build_catalogue()
    a = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
    return {"a": a, "team": team}


def change_url(obj: Any) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def test_the_admin_cannot_change_an_assessments_state(world: dict[str, Any], admin_client: Client) -> None:
    a = world["a"]
    page = admin_client.get(change_url(a))
    assert page.status_code == 200  # viewable
    assert b'name="_save"' not in page.content
    response = admin_client.post(change_url(a), {"state": "accepted", "cycle": 2026})
    assert response.status_code == 403
    a.refresh_from_db()
    assert a.state == Assessment.State.DRAFT
    assert not Transition.objects.exists()


def test_the_admin_cannot_change_answers_or_data(world: dict[str, Any], admin_client: Client) -> None:
    answer = Answer.objects.filter(assessment=world["a"]).first()
    assert answer is not None
    assert admin_client.post(change_url(answer), {"status": "met", "narrative": "x"}).status_code == 403
    answer.refresh_from_db()
    assert (answer.status, answer.version) == (Answer.Status.NOT_ASSESSED, 1)
    assert admin_client.get(reverse("admin:assessments_answer_add")).status_code == 403
    assert admin_client.get(reverse("admin:assessments_operationaldata_add")).status_code == 403
    assert not OperationalData.objects.exists()


def test_the_admin_cannot_revert_an_answers_history(world: dict[str, Any], admin_client: Client) -> None:
    answer = Answer.objects.filter(assessment=world["a"]).first()
    assert answer is not None
    services.save_answer(
        answer_id=answer.pk, by=world["team"]["coordinator"], base_version=1, changes={"status": "met"}
    )
    first = answer.history.order_by("history_id").first()
    assert first is not None
    url = reverse("admin:assessments_answer_simple_history", args=[answer.pk, first.history_id])
    page = admin_client.get(url)
    assert page.status_code == 403 or b'name="_save"' not in page.content
    form = {"status": "not_assessed", "narrative": "", "justification": "", "legal_references": "[]"}
    admin_client.post(url, {**form, "kind": answer.kind, "version": 1, "_save": "Revert"})
    answer.refresh_from_db()
    assert (answer.status, answer.version) == (Answer.Status.MET, 2)


def test_an_accepted_assessment_cannot_be_deleted_in_the_admin(
    world: dict[str, Any], admin_client: Client
) -> None:
    a, coordinator, reviewer = world["a"], world["team"]["coordinator"], make_reviewer()
    services.transition(assessment_id=a.pk, by=coordinator, action="submit", confirm_open=True)
    services.transition(assessment_id=a.pk, by=reviewer, action="start_review")
    services.transition(assessment_id=a.pk, by=reviewer, action="accept", confirm_open=True)
    delete = reverse("admin:assessments_assessment_delete", args=[a.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Assessment.objects.filter(pk=a.pk).exists()
