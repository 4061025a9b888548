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
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models.functions import Mod  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def timed(client: Client, url: str, n: int) -> dict[str, float]:
    for _ in range(3):
        assert client.get(url).status_code == 200
    times, queries = [], []
    for _ in range(n):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
        queries.append(sum(1 for q in ctx.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")))
    times.sort()
    return {
        "median": statistics.median(times),
        "p95": times[int(0.95 * (len(times) - 1))],
        "queries": max(queries),
        "kb": len(response.content) / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from assessments import services
        from assessments.models import REVIEWERS_GROUP, Answer, Assessment, Country, Finding, Transition
        from framework.models import Framework

        call_command("load_framework", stdout=io.StringIO())
        call_command("load_countries", stdout=io.StringIO())
        framework = Framework.objects.current()
        assert framework is not None
        user_model = get_user_model()
        author = user_model.objects.create_user(username="coordinators@bench.example")
        reviewer = user_model.objects.create_user(username="reviewer@bench.example")
        reviewer.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
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
        page = timed(client, "/assessments/secretariat/", args.requests)
        export = timed(client, "/assessments/secretariat/matrix.xlsx", max(5, args.requests // 5))
        api = timed(client, "/api/v1/secretariat/", args.requests)
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
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
