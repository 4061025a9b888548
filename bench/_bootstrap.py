"""What every bench script does first: Django set up on this checkout, then shared helpers.

Importing this module sets up Django (the scripts run as ``python bench/<name>.py``, so this
directory is on the path): import it before anything that needs the app registry.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def serve_as_in_tests() -> None:
    """Let the test client in, with plain static files (the manifest needs collectstatic) and a fast hasher."""
    # Not setup_test_environment(): it instruments template rendering, which production never pays.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextmanager
def throwaway_database() -> Iterator[None]:
    """A test database on the configured server, dropped afterwards whatever happens."""
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def timed(call: Callable[[int], object], n: int) -> dict[str, float]:
    """Median and p95 in ms of ``n`` calls, and the most SQL statements one made (BEGIN/COMMIT not counted)."""
    times, queries = [], []
    for i in range(n):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            call(i)
            times.append((time.perf_counter() - start) * 1000)
        queries.append(sum(1 for q in ctx.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")))
    times.sort()
    return {
        "median": statistics.median(times),
        "p95": times[int(0.95 * (len(times) - 1))],
        "queries": max(queries),
    }


def timed_get(client: Client, url: str, n: int, *, warm: int) -> dict[str, float]:
    """``timed`` for a page after ``warm`` requests (templates, URL resolver, connection), with its size in KB."""
    for _ in range(warm):
        assert client.get(url).status_code == 200, url
    sizes: list[int] = []

    def get(_: int) -> None:
        response = client.get(url)
        assert response.status_code == 200, url
        sizes.append(len(response.content))

    return {**timed(get, n), "kb": sizes[-1] / 1024}
