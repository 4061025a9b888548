#!/usr/bin/env python
"""Benchmark filling in: the largest requirement page fully answered, and one autosave.

Loads the real Framework into a throw-away test database, answers every item of the
requirement with the most items (narrative, legal reference, evidence, assignee), records
six years of data with breakdowns, then measures the page and one autosave as a
contributor: median and p95 over N requests in a warm process, and SQL queries per request.
Run against PostgreSQL for the figures that count (DATABASE_URL=postgres://…).
Targets on the project's 2-core machine: page <= 15 queries and median <= 80 ms; autosave
<= 8 queries and median <= 25 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1/postgres .venv/bin/python bench/assessment_bench.py [--requests 200]
"""

from __future__ import annotations

import argparse
import io
import os

from _bootstrap import serve_as_in_tests, throwaway_database, timed  # first: it sets up Django
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.models import Answer, Assessment, Membership
from framework.models import DisaggregationCategory, Item, Requirement


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    serve_as_in_tests()
    with throwaway_database():
        call_command("load_framework", stdout=io.StringIO())
        call_command("load_countries", stdout=io.StringIO())
        call_command("load_demo", "--quiet", stdout=io.StringIO())

        assessment = Assessment.objects.get(country__code="XDA")
        coordinator = Membership.objects.get(country=assessment.country, role="coordinator").user
        contributor = Membership.objects.get(country=assessment.country, role="contributor").user
        requirement = (
            Requirement.objects.filter(framework=assessment.framework)
            .annotate(n=Count("items"))
            .order_by("-n")
            .first()
        )
        assert requirement is not None
        evidence = [
            services.add_link_evidence(
                assessment=assessment, by=coordinator, url=f"https://laws.example/{n}", title=f"Law {n}"
            )
            for n in range(5)
        ]
        for answer in Answer.objects.filter(assessment=assessment, item__requirement=requirement):
            answer.refresh_from_db()
            status = "met" if answer.kind == "framework_indicator" else "in_place"
            services.save_answer(
                answer_id=answer.pk,
                by=coordinator,
                base_version=answer.version,
                changes={
                    "status": status,
                    "narrative": "Implemented nationally since 2021 through the Penal Code and regulations. "
                    * 4,
                    "assignee": contributor.pk,
                    "legal_references": [
                        {"instrument": "Penal Code", "article": "art. 201", "adopted_on": "2019-05-02"}
                    ],
                },
            )
            services.set_answer_evidence(
                answer_id=answer.pk, by=coordinator, evidence_ids=[e.pk for e in evidence]
            )
        categories = list(DisaggregationCategory.objects.filter(dimension__code="sex")[:2])
        for oi in Item.objects.filter(requirement=requirement, kind="operational_indicator"):
            for year in range(2019, 2025):
                values = {
                    "value_count": 100,
                    "value_amount": "1000",
                    "currency": "USD",
                    "value_bool": "yes",
                    "value_text": "In place",
                }
                field = {
                    "count": "value_count",
                    "amount": "value_amount",
                    "yes_no": "value_bool",
                    "narrative": "value_text",
                }[oi.answer_type]
                chosen = {field: values[field]}
                if field == "value_amount":
                    chosen["currency"] = "USD"
                row = services.save_data(
                    assessment=assessment,
                    indicator=oi,
                    period=year,
                    by=coordinator,
                    base_version=None,
                    values=chosen,
                )
                if oi.answer_type == "count" and categories:
                    services.set_breakdowns(
                        data_id=row.pk,
                        by=coordinator,
                        base_version=row.version,
                        parts={c.pk: 40 for c in categories},
                    )
        items = Answer.objects.filter(assessment=assessment, item__requirement=requirement).count()

        client = Client()
        client.force_login(contributor)
        page_url = f"/assessments/{assessment.pk}/requirements/{requirement.code}/"
        for _ in range(10):
            assert client.get(page_url).status_code == 200
        page = timed(lambda i: client.get(page_url), args.requests)
        size = len(client.get(page_url).content)

        target = Answer.objects.get(assessment=assessment, item__code=f"{requirement.code}.IM1")
        url = f"/assessments/{assessment.pk}/answers/{target.pk}/"
        state = {"version": Answer.objects.get(pk=target.pk).version}

        def autosave(i: int) -> None:
            response = client.post(
                url,
                {
                    "version": state["version"],
                    "status": "in_place",
                    "narrative": f"Draft {i}: the measure is in place in every region.",
                    "justification": "",
                    "assignee": contributor.pk,
                },
                HTTP_HX_REQUEST="true",
            )
            assert response.status_code == 200, response.content[:200]
            state["version"] = int(response["X-Version"])

        for i in range(10):
            autosave(i)
        save = timed(autosave, args.requests)
        if os.environ.get("BENCH_SHOW_QUERIES"):
            with CaptureQueriesContext(connection) as ctx:
                autosave(0)
            for q in ctx.captured_queries:
                print("  ", q["sql"][:140])

        print(f"database: {connection.vendor}   requests: {args.requests}")
        print(
            f"requirement {requirement.code}: {items} answers, 6 years of data per indicator, 5 pieces of evidence each"
        )
        print(f"{'':28} {'median':>9} {'p95':>9} {'queries':>8}  (SQL statements; BEGIN/COMMIT not counted)")
        print(
            f"{'requirement page':28} {page['median']:7.1f}ms {page['p95']:7.1f}ms {page['queries']:8d}   ({size / 1024:.0f} KB)"
        )
        print(f"{'one autosave':28} {save['median']:7.1f}ms {save['p95']:7.1f}ms {save['queries']:8d}")
        print("targets: page <= 15 queries, median <= 80 ms; autosave <= 8 queries, median <= 25 ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
