"""Create the fictitious demo country's team and a partly filled assessment (idempotent)."""

from __future__ import annotations

import random
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessments import services
from assessments.models import REVIEWERS_GROUP, Answer, Assessment, Country, Membership
from framework.models import Framework, Item
from portal import mfa

DEMO_COUNTRY = "XDA"
PASSWORD = "demo-portal-2026"  # noqa: S105 - printed on purpose: demo accounts on a fictitious country
PEOPLE = [
    ("coordinator@demoland.example", Membership.Role.COORDINATOR),
    ("contributor@demoland.example", Membership.Role.CONTRIBUTOR),
    ("observer@demoland.example", Membership.Role.OBSERVER),
]
# What the team page shows of each demo person (all fictitious).
PROFILES = {
    "coordinator@demoland.example": (
        "Dana Demo",
        "rapporteur",
        "National Rapporteur's Office",
        "National rapporteur",
    ),
    "contributor@demoland.example": ("Cyril Sample", "ministry", "Ministry of Justice", "Legal adviser"),
    "observer@demoland.example": ("Olga Example", "parliament", "Parliament of Demoland", "Committee clerk"),
    "reviewer@unodc.example": ("Rita Reviewer", "unodc", "UNODC", "Crime prevention officer"),
    "admin@unodc.example": ("Adam Admin", "unodc", "UNODC", "Portal administrator"),
}
REVIEWER = "reviewer@unodc.example"
ADMINISTRATOR = "admin@unodc.example"
DEMO_ACCOUNTS = frozenset({*(email for email, _role in PEOPLE), REVIEWER, ADMINISTRATOR})

NARRATIVES = [
    "The Penal Code (Law 14/2018) defines the offence in line with article 3 of the Protocol.",
    "A draft amendment is before Parliament; adoption is expected next year.",
    "Implemented in the capital region; provinces follow from 2027.",
    "Guidelines issued by the Prosecutor-General in 2023 cover this point.",
]


class Command(BaseCommand):
    help = (
        "Create Demoland's team, a UNODC reviewer and a partly filled assessment. Never touches real States."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="do not print the credentials")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        country = Country.objects.filter(code=DEMO_COUNTRY, is_demo=True).first()
        framework = Framework.objects.current()
        if country is None or framework is None:
            raise CommandError("Run load_countries and load_framework first.")
        users: dict[str, Any] = {}
        for email, role in PEOPLE:
            user, created = User.objects.get_or_create(username=email, defaults={"email": email})
            if created:
                user.set_password(PASSWORD)
                user.save()
            Membership.objects.get_or_create(user=user, country=country, defaults={"role": role})
            users[role] = user
        reviewer, created = User.objects.get_or_create(username=REVIEWER, defaults={"email": REVIEWER})
        if created:
            reviewer.set_password(PASSWORD)
            reviewer.save()
        reviewer.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
        admin, created = User.objects.get_or_create(
            username=ADMINISTRATOR, defaults={"email": ADMINISTRATOR, "is_staff": True, "is_superuser": True}
        )
        if created:
            admin.set_password(PASSWORD)
            admin.save()
        people = [
            *((email, str(role.label), users[role]) for email, role in PEOPLE),
            (REVIEWER, "UNODC reviewer", reviewer),
            (ADMINISTRATOR, "Administrator", admin),
        ]
        for email, _label, user in people:
            if email in PROFILES and not user.profile.full_name:
                name, kind, institution, title = PROFILES[email]
                user.profile.full_name, user.profile.institution_kind = name, kind
                user.profile.institution, user.profile.job_title = institution, title
                user.profile.save()
        # The roles that need a second factor get one, so that every role can still sign in.
        secrets = {
            email: demo_secret(user) for email, _label, user in people if mfa.requires_second_factor(user)
        }

        assessment = (
            Assessment.objects.filter(country=country, framework=framework).order_by("-cycle").first()
        )
        if assessment is None:
            assessment = services.create_assessment(
                country=country, cycle=2026, framework=framework, by=users[Membership.Role.COORDINATOR]
            )
            self._fill(assessment, users)
        if not options["quiet"]:
            self.stdout.write("")
            self.stdout.write(f"Demo country: {country.name} (fictitious). Sign in at /accounts/login/ with:")
            for email, label, _user in people:
                self.stdout.write(f"  {label:<22} {email:<30} password: {PASSWORD}")
            self.stdout.write("")
            self.stdout.write(
                "These roles also need a second factor. Add the secret to an authenticator app, or"
            )
            self.stdout.write("print the current code with: .venv/bin/python manage.py totp_code EMAIL")
            for email, secret in secrets.items():
                self.stdout.write(f"  {email:<30} TOTP secret: {secret}")

    def _fill(self, assessment: Assessment, users: dict[str, Any]) -> None:
        """About half of pillars 1 and 2 answered, some data, assignments for the contributor."""
        rng = random.Random(2026)
        coordinator = users[Membership.Role.COORDINATOR]
        contributor = users[Membership.Role.CONTRIBUTOR]
        answers = list(
            assessment.answers.filter(item__pillar__number__in=(1, 2))
            .select_related("item")
            .order_by("item__code")
        )
        for n, answer in enumerate(answers):
            if n % 2:
                if n % 5 == 0:
                    services.save_answer(
                        answer_id=answer.pk,
                        by=coordinator,
                        base_version=answer.version,
                        changes={"assignee": contributor.pk},
                    )
                continue
            statuses = [
                s
                for s, _label in answer.statuses
                if s not in (Answer.Status.NOT_ASSESSED, *Answer.NEEDS_JUSTIFICATION)
            ]
            services.save_answer(
                answer_id=answer.pk,
                by=rng.choice([coordinator, contributor]),
                base_version=answer.version,
                changes={"status": rng.choice(statuses), "narrative": rng.choice(NARRATIVES)},
            )
        for item in Item.objects.filter(
            framework=assessment.framework,
            kind=Item.Kind.OPERATIONAL_INDICATOR,
            answer_type=Item.AnswerType.COUNT,
            pillar__number=1,
        )[:6]:
            for year in (2024, 2025):
                services.save_data(
                    assessment=assessment,
                    indicator=item,
                    period=year,
                    by=contributor,
                    base_version=None,
                    values={
                        "value_count": rng.randint(5, 120),
                        "source": "National police statistics",
                        "method": "recorded",
                    },
                )


def demo_secret(user: Any) -> str:
    """The demo account's TOTP secret, enrolling it the first time (the demo's data is public)."""
    from allauth.mfa.models import Authenticator

    factor = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return str(factor.data["secret"]) if factor else mfa.enrol(user)
