"""Small catalogues for tests: tests never depend on the real Framework except those that check it.

Also the people, teams and assessments built on them, and the few helpers several test modules share.
"""

from __future__ import annotations

from typing import Any, cast

import factory

from framework.models import Framework, Item, Pillar, Requirement, ResourceCitation, ResourceDocument
from portal import mfa

KINDS = [
    (Item.Kind.OBJECTIVE, "O"),
    (Item.Kind.FRAMEWORK_INDICATOR, "FI"),
    (Item.Kind.IMPLEMENTATION_MEASURE, "IM"),
    (Item.Kind.OPERATIONAL_INDICATOR, "OI"),
]


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    code = factory.Sequence(lambda n: f"test-{n}")
    title = "Test Framework for Action"
    edition = "2009"
    publisher = "Test publisher"


def build_catalogue(
    *, framework: Framework | None = None, pillars: int = 1, requirements: int = 1, per_column: int = 1
) -> Framework:
    """A framework with ``pillars`` pillars of ``requirements`` rows, each column ``per_column`` deep."""
    fw = framework or cast(Framework, FrameworkFactory())
    for p in range(1, pillars + 1):
        pillar = Pillar.objects.create(framework=fw, number=p, code=str(p), name=f"Pillar {p}")
        for r in range(0, requirements + 1):
            code = f"{p}.{r}"
            req = Requirement.objects.create(
                framework=fw,
                pillar=pillar,
                code=code,
                position=r,
                title=f"Requirement {code} on trafficking",
                articles=[] if r == 0 else [f"article {r}, Protocol"],
                is_overview=r == 0,
            )
            items = []
            for kind, prefix in KINDS:
                for n in range(1, per_column + 1):
                    items.append(
                        Item(
                            framework=fw,
                            pillar=pillar,
                            requirement=req,
                            kind=kind,
                            kind_order=Item.KIND_ORDER[kind],
                            position=n,
                            code=f"{code}.{prefix}{n}",
                            text=f"{kind} {n} of {code}",
                            answer_type="count" if kind == Item.Kind.OPERATIONAL_INDICATOR else "",
                        )
                    )
            Item.objects.bulk_create(items)
            citations = []
            for n in range(1, per_column + 1):
                doc = ResourceDocument.objects.create(
                    framework=fw,
                    key=f"D{p}{r}{n}",
                    section=ResourceDocument.Section.RESOURCES,
                    position=p * 1000 + r * 100 + n,
                    organisation="UNODC",
                    title=f"Toolkit {code}/{n}",
                    year=2008,
                    url=f"http://example.org/{code}/{n}.pdf",
                    availability="available",
                )
                citations.append(
                    ResourceCitation(
                        framework=fw,
                        pillar=pillar,
                        requirement=req,
                        position=n,
                        code=f"{code}.R{n}",
                        citation=f"UNODC toolkit {code}/{n}",
                        document=doc if n % 2 else None,
                    )
                )
            ResourceCitation.objects.bulk_create(citations)
    return fw


# --- people, countries and assessments -----------------------------------------------------------

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from assessments.models import REVIEWERS_GROUP, Answer, Assessment, Country, Membership  # noqa: E402
from assessments.services import create_assessment  # noqa: E402


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}@example.org")
    email = factory.LazyAttribute(lambda u: u.username)
    password = factory.django.Password("correct horse battery staple")


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: "X" + chr(ord("A") + (n // 26) % 26) + chr(ord("A") + n % 26))
    name = factory.Sequence(lambda n: f"Testland {n}")
    region = "europe"
    is_demo = True


def with_second_factor(user: Any) -> Any:
    """The one way tests, benches and smoke checks give a role its required second factor: enrolled
    and confirmed, as on the enrolment page; the secret is ``user.totp_secret``, for signing in
    through the form (``portal.mfa.current_code(user.totp_secret)``)."""
    user.totp_secret = mfa.enrol(user)
    return user


def make_team(country: Country, prefix: str = "") -> dict[str, Any]:
    """A coordinator (with the second factor the role requires), a contributor and an observer."""
    team: dict[str, Any] = {}
    for role in Membership.Role.values:
        user = UserFactory(username=f"{prefix or country.code.lower()}-{role}@example.org")
        Membership.objects.create(user=user, country=country, role=role)
        team[role] = with_second_factor(user) if role == Membership.Role.COORDINATOR else user
    return team


def make_reviewer(username: str = "reviewer@unodc.example.org") -> Any:
    user: Any = UserFactory(username=username)
    user.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
    return with_second_factor(user)


def make_assessment(
    *,
    country: Country | None = None,
    framework: Framework | None = None,
    cycle: int = 2026,
    by: object = None,
) -> Assessment:
    country = country or cast(Country, CountryFactory())
    framework = framework or build_catalogue()
    by = by or UserFactory()
    return create_assessment(country=country, cycle=cycle, framework=framework, by=by)


def answer_for(assessment: Assessment, code: str) -> Answer:
    """The answer of ``assessment`` to the item ``code``."""
    return assessment.answers.select_related("item").get(item__code=code)


def api(user: Any = None) -> APIClient:
    """An API client, signed in as ``user`` when one is given."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def api_token(user: Any, name: str = "tests") -> str:
    """A new API token's secret for ``user``, as the account page makes one."""
    from portal.tokens import issue_token

    return issue_token(user=user, name=name)[1]
