"""Shared test set-up: services that may be absent on a laptop, and where the seed text lives.

On a developer's machine a test whose service (PostgreSQL, Redis, Chromium, the seed text) is
missing is skipped with the reason; with CI=true the same absence is a failure, never a skip.
Also the review set-up that the assessment and the report tests share.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from assessments import services
from tests.factories import CountryFactory, build_catalogue, make_reviewer, make_team, with_second_factor

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
SEED_DIR = Path(os.environ.get("SEED_DIR", settings.BASE_DIR.parent / "shared" / "seeds"))
FRAMEWORK_SEED = SEED_DIR / "004_e3e3aaaa6b09f051.txt"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def require(condition: bool, reason: str) -> None:
    """Skip (or, in CI, fail) a test whose service or input is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} — in CI a missing service is a failure, not a skip", pytrace=False)
    pytest.skip(reason)


def pytest_configure(config: pytest.Config) -> None:
    # Production serves hashed files from collectstatic's manifest; collecting takes ~20 s, so tests
    # use plain storage (the Docker image's build runs collectstatic for real).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Notifications run inside the test (after commit); a real worker is exercised by the job tests.
    from portal.celery import app as celery_app

    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    # Hashing passwords properly costs ~0.3 s each; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A live server's thread would keep a persistent connection open past the test database's teardown.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


def pytest_sessionstart(session: pytest.Session) -> None:
    engine = settings.DATABASES["default"]["ENGINE"]
    if IN_CI and "postgresql" not in engine:
        raise pytest.UsageError(
            "CI=true but DATABASE_URL does not point at PostgreSQL; CI runs on PostgreSQL."
        )


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Evidence files written by a test go to a temporary folder, never into the project."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path_factory.mktemp("private")


@pytest.fixture
def seed_path() -> Path:
    require(FRAMEWORK_SEED.exists(), f"the Framework seed text is not at {FRAMEWORK_SEED} (set SEED_DIR)")
    return FRAMEWORK_SEED


@pytest.fixture
def postgres(db: None) -> None:
    require(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://…")


@pytest.fixture
def chromium_path() -> str:
    require(
        Path(CHROMIUM).exists(),
        f"headless Chromium is not installed at {CHROMIUM} (Debian package 'chromium')",
    )
    return CHROMIUM


class _SerialServer:
    """A WSGI server that handles one request at a time (in the live server's own thread)."""

    def __new__(cls, *args: Any, connections_override: Any = None, **kwargs: Any) -> Any:
        from django.core.servers.basehttp import WSGIServer

        return WSGIServer(*args, **kwargs)


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser(chromium_path: str) -> Iterator[Any]:
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # Playwright's sync API runs the test inside its own execution context, where Django keeps
        # separate connections: close them here, or one stays open on the test database.
        connections.close_all()


@pytest.fixture
def live_url(transactional_db: None) -> Iterator[str]:
    """A live server per test. pytest-django's is session-wide, and its idle thread's database
    session would outlive the test database."""
    from django.db import connections
    from pytest_django.live_server_helper import LiveServer

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    live = LiveServer("localhost", start=False)
    if connection.vendor == "sqlite":
        # SQLite's in-memory test database is one connection shared with the server's threads:
        # serve one request at a time so two never use it at once.
        live.thread.server_class = _SerialServer  # type: ignore[assignment]
    live.start()
    yield live.url
    live.stop()
    connections.close_all()


@pytest.fixture
def review_setup() -> dict[str, Any]:
    """One country's team with a draft assessment, and a UNODC reviewer."""
    fw = build_catalogue()
    country = CountryFactory(code="XAA")
    team = make_team(country, "a")
    a = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
    return {"a": a, "team": team, "reviewer": make_reviewer()}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate limits, throttles and used second-factor codes live in the cache (Redis when
    REDIS_URL is set): each test starts with none of another test's counts."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def admin_user(db: None, django_user_model: Any, django_username_field: str) -> Any:
    """pytest-django's administrator, with the second factor an administrator must have."""
    user = django_user_model._default_manager.create_superuser(
        username="admin", email="admin@example.com", password="password"
    )
    return with_second_factor(user)


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """Each test starts in the portal's default language and time zone: a request made in
    another language by an earlier test leaves it active in the thread, as Django does."""
    from django.utils import timezone, translation

    translation.activate(settings.LANGUAGE_CODE)
    timezone.deactivate()
