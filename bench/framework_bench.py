#!/usr/bin/env python
"""Benchmark the catalogue: load_framework on an empty database, the requirement page and the
search page (median and p95 over N requests in a warm process, SQL queries per request).

Runs against the configured database (DATABASE_URL; SQLite by default) in a throw-away test
database. Targets on the project's 2-core machine: load < 5 s; each page <= 10 queries whatever
the pillar's size, median <= 40 ms.

    .venv/bin/python bench/framework_bench.py [--requests 200]
"""

from __future__ import annotations

import argparse
import io
import time

from _bootstrap import serve_as_in_tests, throwaway_database, timed_get  # first: it sets up Django
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client

from framework.models import Framework, Requirement


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    serve_as_in_tests()
    with throwaway_database():
        start = time.perf_counter()
        call_command("load_framework", stdout=io.StringIO())
        load_s = time.perf_counter() - start
        start = time.perf_counter()
        out = io.StringIO()
        call_command("load_framework", stdout=out)
        reload_s = time.perf_counter() - start

        fw = Framework.objects.get(code="unodc-2009")
        largest = (
            Requirement.objects.filter(framework=fw)
            .annotate(n=Count("items", distinct=True) + Count("resources", distinct=True))
            .order_by("-n")
            .first()
        )
        assert largest is not None
        client = Client()
        pages = {
            f"requirement {largest.code} (largest, {largest.n} items)": f"/framework/{fw.code}/requirements/{largest.code}/",  # type: ignore[attr-defined]
            "requirement 1.2 (smallest)": f"/framework/{fw.code}/requirements/1.2/",
            "search 'victims' (many hits)": f"/framework/{fw.code}/search/?q=victims",
            'search "consent of the victim"': f"/framework/{fw.code}/search/?q=%22consent+of+the+victim%22",
            "pillar 2 page": f"/framework/{fw.code}/pillars/2/",
        }
        print(f"database: {connection.vendor}   requests per page: {args.requests}")
        print(f"load_framework on an empty database: {load_s:.2f} s   (target < 5 s)")
        print(f"load_framework again (no changes):   {reload_s:.2f} s   -> {out.getvalue().strip()[:60]}")
        print()
        print(f"{'page':44} {'median':>9} {'p95':>9} {'queries':>8} {'KB':>6}")
        for label, url in pages.items():
            m = timed_get(client, url, args.requests, warm=10)
            print(f"{label:44} {m['median']:7.1f}ms {m['p95']:7.1f}ms {m['queries']:8d} {m['kb']:6.1f}")
        print("\ntargets: median <= 40 ms, <= 10 queries per page")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
