#!/usr/bin/env python
"""Benchmark the gap analysis and the PDF report of a fully answered assessment.

Prints the PDF's pages, the whole job's time (data + template + WeasyPrint + storage) and
WeasyPrint alone on the same HTML, measured in alternation (a job, then a bare render), the median
of their ratios (target <= 1.15), and the gap analysis computation's time and queries (target
<= 20 queries, median <= 150 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1/postgres .venv/bin/python bench/report_bench.py
"""

from __future__ import annotations

import io
import logging
import statistics
import tempfile
import time
from pathlib import Path

from _bootstrap import serve_as_in_tests, throwaway_database, timed  # first: it sets up Django
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from assessments import services
from assessments.models import Answer, Assessment, Membership
from framework.models import Item
from reports import pdf
from reports import services as report_services
from reports.gap import gap_analysis
from reports.models import ReportJob

ROUNDS = 7
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def main() -> int:
    serve_as_in_tests()
    settings.PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="tip-bench-"))
    with throwaway_database():
        for command in ("load_framework", "load_countries"):
            call_command(command, stdout=io.StringIO())
        call_command("load_demo", "--quiet", stdout=io.StringIO())
        a = Assessment.objects.get(country__code="XDA")
        user = Membership.objects.get(country=a.country, role="coordinator").user
        statuses = {
            "framework_indicator": ["met", "partially_met", "not_met"],
            "implementation_measure": ["in_place", "partially_in_place", "planned", "not_in_place"],
        }
        for n, answer in enumerate(Answer.objects.filter(assessment=a)):
            choice = statuses[answer.kind][n % len(statuses[answer.kind])]
            services.save_answer(
                answer_id=answer.pk,
                by=user,
                base_version=answer.version,
                changes={
                    "status": choice,
                    "narrative": "Covered by the Penal Code, art. 201, and regulations of 2021.",
                },
            )
        for oi in Item.objects.filter(
            framework=a.framework, kind="operational_indicator", answer_type="count"
        )[:40]:
            for year in (2024, 2025):
                if not a.data.filter(indicator=oi, period=year).exists():
                    services.save_data(
                        assessment=a,
                        indicator=oi,
                        period=year,
                        by=user,
                        base_version=None,
                        values={"value_count": 50},
                    )

        gap = timed(lambda _: gap_analysis(a), 10)

        # Interleaved, a job then a bare render of the same HTML, so that the machine's load
        # weighs on both alike (all jobs then all renders made the ratio swing 0.59-1.25).
        job_times, weasy_times, pages = [], [], 0
        html = pdf.report_html(a)
        pdf.render(html)  # warm: fonts and stylesheets read once, as in a long-running worker
        for _ in range(ROUNDS):
            job = ReportJob.objects.create(assessment=a, fingerprint=str(time.time()), requested_by=user)
            start = time.perf_counter()
            report_services.run(job.pk)  # data + template + WeasyPrint + storage, as the worker does
            job_times.append(time.perf_counter() - start)
            job.refresh_from_db()
            assert job.state == "done", job.error
            pages = job.pages or 0
            start = time.perf_counter()
            pdf.render(html)
            weasy_times.append(time.perf_counter() - start)
        ratios = sorted(j / w for j, w in zip(job_times, weasy_times, strict=True))
        job_median, weasy_median = statistics.median(job_times), statistics.median(weasy_times)
        print(
            f"database: {connection.vendor}   assessment: {Answer.objects.filter(assessment=a).count()} answers, all answered"
        )
        print(
            f"gap analysis: median {gap['median']:.1f} ms, {gap['queries']} queries   (target <= 150 ms, <= 20 queries)"
        )
        print(f"PDF: {pages} pages")
        print(f"whole job (median of {ROUNDS}):          {job_median:.2f} s")
        print(f"WeasyPrint alone, same HTML:      {weasy_median:.2f} s")
        print(
            f"ratio, median of the {ROUNDS} pairs:    {statistics.median(ratios):.3f}   (target <= 1.15; "
            f"range {ratios[0]:.3f}-{ratios[-1]:.3f})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
