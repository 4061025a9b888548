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
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def measure(client: Client, url: str, n: int) -> dict[str, float]:
    for _ in range(10):  # warm the process: templates, URL resolver, connection
        assert client.get(url).status_code == 200
    times, queries = [], []
    for _ in range(n):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
        queries.append(len(ctx.captured_queries))
    times.sort()
    return {
        "median_ms": statistics.median(times),
        "p95_ms": times[int(0.95 * (len(times) - 1))],
        "queries": max(queries),
        "bytes": len(response.content),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    # Not setup_test_environment(): it instruments template rendering, which production never pays.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Pages use plain static storage here, as in tests: the manifest needs collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from framework.models import Framework, Requirement

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
            m = measure(client, url, args.requests)
            print(
                f"{label:44} {m['median_ms']:7.1f}ms {m['p95_ms']:7.1f}ms {m['queries']:8d} {m['bytes'] / 1024:6.1f}"
            )
        print("\ntargets: median <= 40 ms, <= 10 queries per page")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
