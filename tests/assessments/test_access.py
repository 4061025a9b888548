"""Each role's rights on every page URL, table-driven over the URL resolver.

Roles: anonymous, coordinator A, contributor A, observer A, a member of country B, and a
UNODC reviewer. The walk covers every URL namespace: ``assessments``, ``reports`` (the gap
analysis, report jobs, the secretariat's dashboard and matrix, the exports) and ``framework``
(the public catalogue); a named URL of any of them missing from the table fails the test, and so
does a new namespace. Only the namespaces in ``TESTED_ELSEWHERE`` are left out, each with the
place its rights are tested.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments import services
from assessments.models import Answer, Assessment, Evidence, Membership, OperationalData
from framework.models import Item
from tests.factories import (
    CountryFactory,
    UserFactory,
    build_catalogue,
    make_reviewer,
    make_team,
    with_second_factor,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "coordinator", "contributor", "observer", "other_country", "reviewer"]


@dataclass
class World:
    a: Assessment
    b: Assessment
    users: dict[str, Any]
    answer: Answer
    data: OperationalData
    evidence: Evidence
    b_answer: Answer
    b_evidence: Evidence


@pytest.fixture
def world() -> World:
    fw = build_catalogue(requirements=1, per_column=1)
    country_a, country_b = CountryFactory(code="XAA"), CountryFactory(code="XBB")
    team_a = make_team(country_a, "a")
    team_b = make_team(country_b, "b")
    a = services.create_assessment(country=country_a, cycle=2026, framework=fw, by=team_a["coordinator"])
    b = services.create_assessment(country=country_b, cycle=2026, framework=fw, by=team_b["coordinator"])
    oi = Item.objects.get(framework=fw, code="1.1.OI1")
    data = services.save_data(
        assessment=a,
        indicator=oi,
        period=2025,
        by=team_a["coordinator"],
        base_version=None,
        values={"value_count": 10},
    )
    evidence = services.add_link_evidence(
        assessment=a, by=team_a["coordinator"], url="https://a.example/law", title="Law"
    )
    b_evidence = services.add_link_evidence(
        assessment=b, by=team_b["coordinator"], url="https://b.example/law", title="B"
    )
    users = {
        "anonymous": None,
        "coordinator": team_a["coordinator"],
        "contributor": team_a["contributor"],
        "observer": team_a["observer"],
        "other_country": team_b["contributor"],
        "reviewer": make_reviewer(),
    }
    return World(
        a=a,
        b=b,
        users=users,
        answer=a.answers.get(item__code="1.1.IM1"),
        data=data,
        evidence=evidence,
        b_answer=b.answers.get(item__code="1.1.IM1"),
        b_evidence=b_evidence,
    )


@dataclass
class Route:
    method: str
    kwargs: Callable[[World], dict[str, Any]]
    data: Callable[[World], dict[str, Any]]
    expected: dict[str, int]


def own(w: World) -> dict[str, Any]:
    return {"pk": w.a.pk}


def catalogue(w: World) -> dict[str, Any]:
    return {"fw": w.a.framework.code}


PUBLIC = {role: 200 for role in ROLES}  # the catalogue is open to everyone, signed in or not
READ = {
    "anonymous": 302,
    "coordinator": 200,
    "contributor": 200,
    "observer": 200,
    "other_country": 404,
    "reviewer": 404,
}
WRITE_REDIRECT = {
    "anonymous": 302,
    "coordinator": 302,
    "contributor": 302,
    "observer": 403,
    "other_country": 404,
    "reviewer": 404,
}
AUTOSAVE = {
    "anonymous": 401,
    "coordinator": 200,
    "contributor": 200,
    "observer": 403,
    "other_country": 404,
    "reviewer": 404,
}

ADMINISTRATORS_ONLY = {role: 403 for role in ROLES} | {"anonymous": 302}

ROUTES: dict[str, list[Route]] = {
    "assessments:list": [
        Route("get", lambda w: {}, lambda w: {}, {**READ, "other_country": 200, "reviewer": 200}),
    ],
    "assessments:create": [
        Route(
            "get",
            lambda w: {},
            lambda w: {},
            {**READ, "contributor": 403, "observer": 403, "other_country": 403, "reviewer": 403},
        ),
        Route(
            "post",
            lambda w: {},
            lambda w: {"country": w.a.country_id, "cycle": 2030, "framework": w.a.framework_id},
            {**WRITE_REDIRECT, "contributor": 403, "other_country": 403, "reviewer": 403},
        ),
    ],
    "assessments:dashboard": [Route("get", own, lambda w: {}, READ)],
    "reports:gap": [Route("get", own, lambda w: {}, READ)],
    "reports:request": [
        Route("post", own, lambda w: {}, {**WRITE_REDIRECT, "contributor": 403}),
    ],
    "reports:job": [Route("get", lambda w: {"pk": w.a.pk, "job_pk": _report(w).pk}, lambda w: {}, READ)],
    "reports:download": [Route("get", lambda w: {"pk": w.a.pk, "job_pk": _report(w).pk}, lambda w: {}, READ)],
    "reports:how-scores": [
        Route("get", lambda w: {}, lambda w: {}, {role: 200 for role in ROLES}),
    ],
    "reports:export": [Route("get", own, lambda w: {}, READ)],
    "reports:secretariat-export": [
        Route(
            "get",
            lambda w: {},
            lambda w: {},
            {
                "anonymous": 302,
                "coordinator": 403,
                "contributor": 403,
                "observer": 403,
                "other_country": 403,
                "reviewer": 200,
            },
        )
    ],
    "reports:secretariat": [
        Route(
            "get",
            lambda w: {},
            lambda w: {},
            {
                "anonymous": 302,
                "coordinator": 403,
                "contributor": 403,
                "observer": 403,
                "other_country": 403,
                "reviewer": 200,
            },
        )
    ],
    "assessments:requirement": [Route("get", lambda w: {"pk": w.a.pk, "code": "1.1"}, lambda w: {}, READ)],
    "assessments:confirm-carried": [
        Route("post", lambda w: {"pk": w.a.pk, "code": "1.1"}, lambda w: {}, WRITE_REDIRECT),
    ],
    "assessments:measure-add": [
        Route(
            "post",
            lambda w: {"pk": w.a.pk, "code": "1.1"},
            lambda w: {"title": "Hotline", "status": "planned"},
            WRITE_REDIRECT,
        )
    ],
    "assessments:ta-need-add": [
        Route(
            "get",
            lambda w: {"pk": w.a.pk, "code": "1.1"},
            lambda w: {},
            {**READ, "observer": 403},
        ),
        Route(
            "post",
            lambda w: {"pk": w.a.pk, "code": "1.1"},
            lambda w: {
                "area": _area().pk,
                "priority": "high",
                "description": "Training",
                "status": "identified",
            },
            WRITE_REDIRECT,
        ),
    ],
    "assessments:measure-edit": [
        Route(
            "get",
            lambda w: {"pk": w.a.pk, "record_pk": _measure(w).pk},
            lambda w: {},
            {**READ, "observer": 403},
        ),
        Route(
            "post",
            lambda w: {"pk": w.a.pk, "record_pk": _measure(w).pk},
            lambda w: {"title": "Hotline 24/7", "status": "in_progress"},
            WRITE_REDIRECT,
        ),
    ],
    "assessments:ta-need-edit": [
        Route(
            "get", lambda w: {"pk": w.a.pk, "record_pk": _need(w).pk}, lambda w: {}, {**READ, "observer": 403}
        ),
        Route(
            "post",
            lambda w: {"pk": w.a.pk, "record_pk": _need(w).pk},
            lambda w: {"action": "delete"},
            WRITE_REDIRECT,
        ),
    ],
    "assessments:answer": [
        Route(
            "get",
            lambda w: {"pk": w.a.pk, "answer_pk": w.answer.pk},
            lambda w: {},
            {**READ, "anonymous": 401},
        ),
        Route(
            "post",
            lambda w: {"pk": w.a.pk, "answer_pk": w.answer.pk},
            lambda w: {"version": w.answer.version, "status": "in_place", "narrative": "Done"},
            AUTOSAVE,
        ),
    ],
    "assessments:answer-evidence": [
        Route(
            "get", lambda w: {"pk": w.a.pk, "answer_pk": w.answer.pk}, lambda w: {}, {**READ, "observer": 403}
        ),
        Route(
            "post",
            lambda w: {"pk": w.a.pk, "answer_pk": w.answer.pk},
            lambda w: {"evidence": [w.evidence.pk]},
            WRITE_REDIRECT,
        ),
    ],
    "assessments:answer-history": [
        Route("get", lambda w: {"pk": w.a.pk, "answer_pk": w.answer.pk}, lambda w: {}, READ)
    ],
    "assessments:record-history": [
        Route("get", lambda w: {"pk": w.a.pk, "kind": "data", "record_pk": w.data.pk}, lambda w: {}, READ)
    ],
    "assessments:data": [
        Route("get", lambda w: {"pk": w.a.pk, "code": "1.1.OI1"}, lambda w: {}, {**READ, "anonymous": 401}),
        Route(
            "post",
            lambda w: {"pk": w.a.pk, "code": "1.1.OI1"},
            lambda w: {"period": 2025, "version": w.data.version, "value_count": 12},
            {**WRITE_REDIRECT, "anonymous": 401},
        ),
    ],
    "assessments:breakdowns": [
        Route("get", lambda w: {"pk": w.a.pk, "data_pk": w.data.pk}, lambda w: {}, READ),
        Route(
            "post",
            lambda w: {"pk": w.a.pk, "data_pk": w.data.pk},
            lambda w: {"version": w.data.version},
            WRITE_REDIRECT,
        ),
    ],
    "assessments:evidence": [
        Route("get", own, lambda w: {}, READ),
        Route(
            "post",
            own,
            lambda w: {"kind": "link", "url": "https://x.example/y", "title": "Y"},
            WRITE_REDIRECT,
        ),
    ],
    "assessments:evidence-download": [
        Route("get", lambda w: {"pk": w.a.pk, "evidence_pk": _file(w).pk}, lambda w: {}, READ),
    ],
    "assessments:evidence-delete": [
        Route("post", lambda w: {"pk": w.a.pk, "evidence_pk": w.evidence.pk}, lambda w: {}, WRITE_REDIRECT)
    ],
    "assessments:transition": [
        Route(
            "get",
            lambda w: {"pk": w.a.pk, "action": "submit"},
            lambda w: {},
            {**READ, "contributor": 403, "observer": 403},
        ),
        Route(
            "post",
            lambda w: {"pk": w.a.pk, "action": "submit"},
            lambda w: {"confirm_open": "on", "comment": "Ready"},
            {**WRITE_REDIRECT, "contributor": 403},
        ),
    ],
    "assessments:finding-add": [
        Route(
            "post",
            lambda w: {"pk": w.a.pk, "code": "1.1"},
            lambda w: {"text": "Explain the penalties"},
            {**WRITE_REDIRECT, "coordinator": 403, "contributor": 403},
        )
    ],
    "assessments:finding-reply": [
        Route(
            "post",
            lambda w: {"pk": w.a.pk, "finding_pk": _finding(w).pk},
            lambda w: {"text": "Done"},
            WRITE_REDIRECT,
        )
    ],
    "assessments:finding-status": [
        Route(
            "post",
            lambda w: {"pk": w.a.pk, "finding_pk": _finding(w).pk},
            lambda w: {"resolved": "1"},
            {**WRITE_REDIRECT, "coordinator": 403, "contributor": 403},
        )
    ],
    "assessments:team": [
        Route("get", lambda w: {"code": w.a.country.code}, lambda w: {}, READ),
        Route(
            "post",
            lambda w: {"code": w.a.country.code},
            lambda w: {"action": "invite", "email": "new@ministry.example", "role": "contributor"},
            {**WRITE_REDIRECT, "contributor": 403},
        ),
        Route(
            "post",
            lambda w: {"code": w.a.country.code},
            lambda w: {"action": "revoke", "invitation": _invitation(w).pk},
            {**WRITE_REDIRECT, "contributor": 403},
        ),
    ],
    # UNODC's administrators only (they are not in ROLES: test_invitations.py signs one in).
    "assessments:countries": [Route("get", lambda w: {}, lambda w: {}, ADMINISTRATORS_ONLY)],
    "assessments:country-invite": [
        Route(
            "post",
            lambda w: {"code": w.a.country.code},
            lambda w: {"email": "focal@gov.example"},
            ADMINISTRATORS_ONLY,
        )
    ],
    # The link is the key: anyone holding it sees the invitation; accepting it signs in a visitor
    # and tells a signed-in other person that the invitation is not theirs.
    "assessments:invitation": [
        Route("get", lambda w: {"token": _invitation_token(w)}, lambda w: {}, {role: 200 for role in ROLES}),
        Route(
            "post",
            lambda w: {"token": _invitation_token(w)},
            lambda w: {"password1": "a sturdy passphrase", "password2": "a sturdy passphrase"},
            {**{role: 200 for role in ROLES}, "anonymous": 302},
        ),
    ],
    # "Join with UNODC": with no identity provider configured here, back to the invitation's page
    # (test_invitation_sso.py follows it to a real provider).
    "assessments:invitation-sso": [
        Route("get", lambda w: {"token": _invitation_token(w)}, lambda w: {}, {role: 405 for role in ROLES}),
        Route("post", lambda w: {"token": _invitation_token(w)}, lambda w: {}, {role: 302 for role in ROLES}),
    ],
    "assessments:team-activity": [
        Route(
            "get",
            lambda w: {"code": w.a.country.code},
            lambda w: {},
            {**READ, "contributor": 403, "observer": 403},
        ),
    ],
    # The whole audit log is for administrators only (their own rights: tests/audit/test_pages.py).
    "audit:events": [
        Route("get", lambda w: {}, lambda w: {}, {role: 403 for role in ROLES} | {"anonymous": 302}),
    ],
    "framework:index": [Route("get", lambda w: {}, lambda w: {}, {role: 302 for role in ROLES})],
    "framework:overview": [Route("get", catalogue, lambda w: {}, PUBLIC)],
    "framework:pillar": [Route("get", lambda w: {**catalogue(w), "number": 1}, lambda w: {}, PUBLIC)],
    "framework:requirement": [Route("get", lambda w: {**catalogue(w), "code": "1.1"}, lambda w: {}, PUBLIC)],
    "framework:item": [  # an item's address leads to its place on the requirement's page
        Route(
            "get", lambda w: {**catalogue(w), "code": "1.1.IM1"}, lambda w: {}, {role: 302 for role in ROLES}
        )
    ],
    "framework:library": [Route("get", catalogue, lambda w: {}, PUBLIC)],
    "framework:search": [Route("get", catalogue, lambda w: {}, PUBLIC)],
}


def _report(w: World) -> Any:
    """A finished report job (its file is a stand-in: this table tests rights, not rendering)."""
    from django.core.files.base import ContentFile

    from reports.models import ReportJob

    job = ReportJob.objects.filter(assessment=w.a, state="done").first()
    if job is None:
        job = ReportJob.objects.create(
            assessment=w.a,
            fingerprint="f",
            requested_by=w.users["coordinator"],
            state="done",
            sha256="0" * 64,
            pages=1,
        )
        job.file.save("r.pdf", ContentFile(b"%PDF-1.7 stand-in"), save=True)
    return job


INVITATION_TOKEN = "a-token-for-the-access-table"


def _invitation(w: World) -> Any:
    from datetime import timedelta

    from django.utils import timezone

    from assessments.models import Invitation, hash_token

    return Invitation.objects.get_or_create(
        token_hash=hash_token(INVITATION_TOKEN),
        defaults={
            "country": w.a.country,
            "email": "invited@ministry.example",
            "role": "contributor",
            "invited_by": w.users["coordinator"],
            "expires_at": timezone.now() + timedelta(days=7),
        },
    )[0]


def _invitation_token(w: World) -> str:
    _invitation(w)
    return INVITATION_TOKEN


def _finding(w: World) -> Any:
    from assessments.models import Finding

    requirement = w.a.framework.requirements.get(code="1.1")
    return Finding.objects.get_or_create(
        assessment=w.a, requirement=requirement, text="Explain", defaults={"created_by": w.users["reviewer"]}
    )[0]


def _measure(w: World) -> Any:
    from assessments.models import NationalMeasure

    requirement = w.a.framework.requirements.get(code="1.1")
    return NationalMeasure.objects.get_or_create(
        assessment=w.a,
        requirement=requirement,
        title="Hotline",
        defaults={"created_by": w.users["coordinator"]},
    )[0]


def _need(w: World) -> Any:
    from assessments.models import TechnicalAssistanceNeed

    requirement = w.a.framework.requirements.get(code="1.1")
    return TechnicalAssistanceNeed.objects.get_or_create(
        assessment=w.a,
        requirement=requirement,
        area=_area(),
        description="Training",
        defaults={"created_by": w.users["coordinator"]},
    )[0]


def _area() -> Any:
    from framework.models import TechnicalAssistanceArea

    return TechnicalAssistanceArea.objects.get_or_create(
        code="legislative", defaults={"name": "Legislative", "position": 1}
    )[0]


def _file(w: World) -> Evidence:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return services.add_file_evidence(
        assessment=w.a, by=w.users["coordinator"], upload=SimpleUploadedFile("law.pdf", b"%PDF-1.4\n%%EOF\n")
    )


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# Namespaces whose rights this table does not hold, and where they are tested instead.
TESTED_ELSEWHERE = {
    "api": "the API: per topic in tests/assessments/test_<topic>.py, tests/reports/ and tests/portal/",
    "admin": "Django's admin: staff only, by Django's own checks",
}


def namespaced_urls(patterns: list[Any], prefix: str = "") -> set[str]:
    """Every URL name under a namespace (nested includes too); an unnamed one shows its pattern."""
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if not prefix and pattern.namespace in TESTED_ELSEWHERE:
                continue
            inner = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= namespaced_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and prefix:
            names.add(f"{prefix}{pattern.name or f'<unnamed {pattern.pattern}>'}")
    return names


def test_every_assessment_url_is_in_the_table() -> None:
    names = namespaced_urls(get_resolver().url_patterns)
    assert {name.split(":")[0] for name in names} >= {"assessments", "reports", "framework"}
    assert names == set(ROUTES), (
        f"missing from the table: {names - set(ROUTES)}; stale: {set(ROUTES) - names}"
    )


CASES = [(name, n, role) for name, routes in ROUTES.items() for n in range(len(routes)) for role in ROLES]


@pytest.mark.parametrize(
    ("name", "index", "role"), CASES, ids=[f"{n}-{ROUTES[n][i].method}-{r}" for n, i, r in CASES]
)
def test_role_rights(world: World, name: str, index: int, role: str) -> None:
    route = ROUTES[name][index]
    url = reverse(name, kwargs=route.kwargs(world))
    client = client_for(world.users[role])
    before = Answer.objects.get(pk=world.answer.pk).version
    if route.method == "get":
        response = client.get(url)
    else:
        response = client.post(
            url, route.data(world), HTTP_HX_REQUEST="true" if name == "assessments:answer" else ""
        )
    assert response.status_code == route.expected[role], (url, role, response.content[:300])
    if response.status_code in (403, 404, 401) and name == "assessments:answer":
        assert Answer.objects.get(pk=world.answer.pk).version == before  # refused: nothing changed


def test_reviewer_reads_a_submitted_assessment_but_never_writes(world: World) -> None:
    Assessment.objects.filter(pk=world.a.pk).update(state="submitted")
    reviewer = client_for(world.users["reviewer"])
    assert reviewer.get(reverse("assessments:dashboard", args=[world.a.pk])).status_code == 200
    assert reviewer.get(reverse("assessments:requirement", args=[world.a.pk, "1.1"])).status_code == 200
    response = reviewer.post(
        reverse("assessments:answer", args=[world.a.pk, world.answer.pk]),
        {"version": 1, "narrative": "reviewer text"},
    )
    assert response.status_code == 403
    assert Answer.objects.get(pk=world.answer.pk).narrative == ""


def test_submitted_assessment_is_read_only_for_the_team(world: World) -> None:
    Assessment.objects.filter(pk=world.a.pk).update(state="submitted")
    response = client_for(world.users["contributor"]).post(
        reverse("assessments:answer", args=[world.a.pk, world.answer.pk]),
        {"version": 1, "narrative": "late change"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 423
    assert "can no longer be changed" in response.content.decode()
    assert Answer.objects.get(pk=world.answer.pk).narrative == ""


def test_another_countrys_objects_are_404_byte_identical_to_missing_ones(world: World) -> None:
    client = client_for(world.users["contributor"])
    pairs = [
        (
            reverse("assessments:dashboard", args=[world.b.pk]),
            reverse("assessments:dashboard", args=[999999]),
        ),
        (
            reverse("assessments:answer-history", args=[world.b.pk, world.b_answer.pk]),
            reverse("assessments:answer-history", args=[999999, 999999]),
        ),
        (
            reverse("assessments:evidence-download", args=[world.b.pk, world.b_evidence.pk]),
            reverse("assessments:evidence-download", args=[999999, 999999]),
        ),
        (
            reverse("assessments:record-history", args=[world.b.pk, "evidence", world.b_evidence.pk]),
            reverse("assessments:record-history", args=[999999, "evidence", 999999]),
        ),
        (
            reverse("assessments:record-history", args=[world.a.pk, "evidence", world.b_evidence.pk]),
            reverse("assessments:record-history", args=[world.a.pk, "evidence", 999999]),
        ),
        (
            reverse(
                "assessments:answer", args=[world.a.pk, world.b_answer.pk]
            ),  # B's answer under A's assessment
            reverse("assessments:answer", args=[world.a.pk, 999999]),
        ),
        (reverse("assessments:team", args=["XBB"]), reverse("assessments:team", args=["QQQ"])),
    ]
    for theirs, missing in pairs:
        r1, r2 = client.get(theirs), client.get(missing)
        assert r1.status_code == r2.status_code == 404, theirs
        assert masked(r1.content) == masked(r2.content), theirs


def masked(page: bytes) -> bytes:
    """A page with what changes at every response (the CSRF token, the CSP nonce) masked."""
    import re

    page = re.sub(rb'(name="csrfmiddlewaretoken" value=")[^"]+', rb"\1-", page)
    return re.sub(rb'(nonce=")[^"]+', rb"\1-", page)


def test_user_text_is_shown_as_text_everywhere(world: World) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    coordinator = world.users["coordinator"]
    services.save_answer(
        answer_id=world.answer.pk,
        by=coordinator,
        base_version=world.answer.version,
        changes={
            "status": "not_applicable",
            "narrative": evil,
            "justification": evil,
            "legal_references": [{"instrument": evil, "article": evil, "url": "https://x.example/"}],
        },
    )
    services.add_link_evidence(
        assessment=world.a, by=coordinator, url="https://x.example/e", title=evil, description=evil
    )
    services.save_data(
        assessment=world.a,
        indicator=world.data.indicator,
        period=2024,
        by=coordinator,
        base_version=None,
        values={"value_count": 1, "source": evil},
    )
    client = client_for(coordinator)
    for url in [
        reverse("assessments:requirement", args=[world.a.pk, "1.1"]),
        reverse("assessments:evidence", args=[world.a.pk]),
        reverse("assessments:answer-history", args=[world.a.pk, world.answer.pk]),
        reverse("assessments:dashboard", args=[world.a.pk]) + "?show=mine",
    ]:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
    assert (
        "&lt;script&gt;"
        in client.get(reverse("assessments:requirement", args=[world.a.pk, "1.1"])).content.decode()
    )


def test_observer_sees_the_form_read_only(world: World) -> None:
    html = (
        client_for(world.users["observer"])
        .get(reverse("assessments:requirement", args=[world.a.pk, "1.1"]))
        .content.decode()
    )
    assert "data-autosave" not in html
    assert "You can read this assessment" in html


def test_coordinator_starts_an_assessment_from_the_form(world: World) -> None:
    client = client_for(world.users["coordinator"])
    response = client.post(
        reverse("assessments:create"),
        {
            "country": world.a.country_id,
            "cycle": 2028,
            "framework": world.a.framework_id,
            "prefill_from": world.a.pk,
        },
    )
    created = Assessment.objects.get(country=world.a.country, cycle=2028)
    assert response["Location"] == created.get_absolute_url()
    assert created.previous == world.a
    # The same cycle again is refused with a message, not an error page.
    response = client.post(
        reverse("assessments:create"),
        {"country": world.a.country_id, "cycle": 2028, "framework": world.a.framework_id},
    )
    assert response.status_code == 200
    assert "already has an assessment for 2028" in response.content.decode()


def test_coordinator_cannot_create_for_a_country_where_they_only_contribute(world: World) -> None:
    stranger = UserFactory()
    Membership.objects.create(user=stranger, country=world.a.country, role="contributor")
    Membership.objects.create(user=stranger, country=world.b.country, role="coordinator")
    with_second_factor(stranger)
    response = client_for(stranger).post(
        reverse("assessments:create"),
        {"country": world.a.country_id, "cycle": 2031, "framework": world.a.framework_id},
    )
    assert response.status_code == 200  # the form refuses the choice
    assert not Assessment.objects.filter(cycle=2031).exists()
