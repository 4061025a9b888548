#!/usr/bin/env python
"""Benchmark the secretariat: 193 countries, each with a fully answered submitted assessment.

Builds the data in a throw-away test database (the real Framework, every Member State, every
assessed item answered, a finding on a few), then measures as a UNODC reviewer: the
dashboard page and its matrix export (median and p95 over N requests in a warm process, and
SQL queries per request). Run against PostgreSQL for the figures that count.
Target on the project's 2-core machine: dashboard median <= 300 ms and <= 15 queries.

    DATABASE_URL=postgres://postgres@127.0.0.1/postgres .venv/bin/python bench/secretariat_bench.py [--requests 50]
"""

from __future__ import annotations

import argparse
import io
import time

from _bootstrap import serve_as_in_tests, throwaway_database, timed_get  # first: it sets up Django
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.models.functions import Mod
from django.test import Client

from assessments import services
from assessments.models import REVIEWERS_GROUP, Answer, Assessment, Country, Finding, Transition
from framework.models import Framework
from portal import mfa


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    serve_as_in_tests()
    with throwaway_database():
        call_command("load_framework", stdout=io.StringIO())
        call_command("load_countries", stdout=io.StringIO())
        framework = Framework.objects.current()
        assert framework is not None
        user_model = get_user_model()
        author = user_model.objects.create_user(username="coordinators@bench.example")
        reviewer = user_model.objects.create_user(username="reviewer@bench.example")
        reviewer.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
        mfa.enrol(reviewer)  # a reviewer must have a second factor to open any page
        start = time.perf_counter()
        countries = list(Country.objects.member_states())
        for country in countries:
            services.create_assessment(country=country, cycle=2026, framework=framework, by=author)
        # Every item answered, with a spread of statuses: a few UPDATEs, not one save per answer.
        spread = {
            "framework_indicator": ["met", "partially_met", "not_met"],
            "implementation_measure": ["in_place", "partially_in_place", "planned"],
        }
        for kind, statuses in spread.items():
            for remainder, status in enumerate(statuses):
                ids = Answer.objects.annotate(m=Mod("id", 3)).filter(kind=kind, m=remainder).values("pk")
                Answer.objects.filter(pk__in=ids).update(status=status)
        assessments = list(Assessment.objects.all())
        Transition.objects.bulk_create(
            [
                Transition(assessment=a, from_state="draft", to_state="submitted", by=author)
                for a in assessments
            ]
        )
        Assessment.objects.update(state="submitted")
        requirement = framework.requirements.get(code="1.1")
        Finding.objects.bulk_create(
            [
                Finding(assessment=a, requirement=requirement, text="Explain", created_by=reviewer)
                for a in assessments[::5]
            ]
        )
        answers = Answer.objects.count()
        setup_s = time.perf_counter() - start

        client = Client()
        client.force_login(reviewer)
        page = timed_get(client, "/assessments/secretariat/", args.requests, warm=3)
        export = timed_get(client, "/assessments/secretariat/matrix.xlsx", max(5, args.requests // 5), warm=3)
        api = timed_get(client, "/api/v1/secretariat/", args.requests, warm=3)
        print(
            f"database: {connection.vendor}   countries: {len(countries)}   answers: {answers}   (set-up {setup_s:.0f} s)"
        )
        print(f"{'':28} {'median':>9} {'p95':>9} {'queries':>8} {'KB':>7}")
        for label, m in (
            ("secretariat dashboard", page),
            ("matrix export (XLSX)", export),
            ("secretariat API", api),
        ):
            print(f"{label:28} {m['median']:7.1f}ms {m['p95']:7.1f}ms {m['queries']:8d} {m['kb']:7.0f}")
        print("target: dashboard median <= 300 ms and <= 15 queries")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
