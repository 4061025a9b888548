"""What an operator relies on: the compose file, the settings' refusals, check --deploy."""

from __future__ import annotations

import importlib
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands
from django.urls import resolve

ROOT = Path(settings.BASE_DIR)


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DATABASE_URL", "DEBUG", "PORTAL_HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


def test_compose_has_the_production_services() -> None:
    services = compose()["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    for name in ("web", "worker", "beat"):
        assert services[name]["build"] == "."
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://")
        assert services[name]["environment"]["REDIS_URL"].startswith("redis://")
    assert (ROOT / "Dockerfile").exists()
    assert (ROOT / ".env.example").exists()


def _commands(text: str) -> list[list[str]]:
    text = re.sub(r'^sh -c "(.*)"$', r"\1", text.strip(), flags=re.S)
    return [shlex.split(part) for part in re.split(r"&&", text) if part.strip()]


def _check_command(argv: list[str]) -> None:
    program = argv[0]
    if program == "python" and argv[1] == "manage.py":
        assert argv[2] in get_commands(), f"manage.py has no command {argv[2]!r}"
    elif program == "gunicorn":
        module, _, attr = argv[1].partition(":")
        assert callable(getattr(importlib.import_module(module), attr)), argv[1]
    elif program == "celery":
        app = importlib.import_module(argv[argv.index("-A") + 1])
        assert app.celery_app.main == "portal"
        assert argv[argv.index("-A") + 2] in {"worker", "beat"}
    else:
        pytest.fail(f"unknown program in a compose command: {program}")


def test_every_service_command_points_at_something_that_exists() -> None:
    services = compose()["services"]
    checked = 0
    for name in ("web", "worker", "beat"):
        for argv in _commands(services[name]["command"]):
            _check_command(argv)
            checked += 1
    assert checked == 5
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.M)
    assert cmd is not None
    _check_command(yaml.safe_load(cmd.group(1)))


def test_web_healthcheck_address_exists() -> None:
    test = " ".join(compose()["services"]["web"]["healthcheck"]["test"])
    path = re.search(r"127\.0\.0\.1:8000(/[^'\"]*)", test)
    assert path is not None
    assert resolve(path.group(1)).url_name == "healthz"


def test_production_without_secret_key_stops_with_a_clear_message() -> None:
    result = _run({"DATABASE_URL": "postgres://portal@db:5432/portal"}, "manage.py", "check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_embedded_run_makes_and_keeps_its_own_secret_key(tmp_path: Path) -> None:
    env = {"PORTAL_VAR_DIR": str(tmp_path)}
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = _run(
        env,
        "-c",
        f"import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','portal.settings'); django.setup(); {code}",
    )
    second = _run(
        env,
        "-c",
        f"import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','portal.settings'); django.setup(); {code}",
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and len(first.stdout.strip()) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def documented_production_environment() -> dict[str, str]:
    """What an operator following the README runs with: .env.example's values, then compose's."""
    env: dict[str, str] = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    # The two values .env.example leaves for the operator to fill in.
    env["SECRET_KEY"] = "operator-" + "k" * 60
    env["POSTGRES_PASSWORD"] = "operator-password"
    for key, value in compose()["x-portal"]["environment"].items():
        env[key] = re.sub(r"\$\{POSTGRES_PASSWORD[^}]*\}", env["POSTGRES_PASSWORD"], str(value))
    return env


def test_check_deploy_is_clean_with_the_documented_production_configuration() -> None:
    env = documented_production_environment()
    assert "EMAIL_BACKEND" not in env  # the documented configuration relies on the production default
    result = _run(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_sends_mail_by_smtp_and_the_embedded_run_prints_it() -> None:
    code = "from django.conf import settings; print(settings.MAILERS['default']['BACKEND'])"
    setup = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='portal.settings'; django.setup(); "
    production = _run(documented_production_environment(), "-c", setup + code)
    embedded = _run({}, "-c", setup + code)
    assert production.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend", production.stderr
    assert embedded.stdout.strip() == "django.core.mail.backends.console.EmailBackend", embedded.stderr


def test_collectstatic_with_the_production_storage_succeeds(tmp_path: Path) -> None:
    """The Dockerfile's build step: the manifest storage must resolve every url() in every stylesheet."""
    env = {
        "SECRET_KEY": "collectstatic-only",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'build.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
    }
    result = _run(env, "manage.py", "collectstatic", "--noinput", "-v0")
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = (tmp_path / "static" / "staticfiles.json").read_text(encoding="utf-8")
    assert re.search(r'"css/report\.css": "css/report\.[0-9a-f]{12}\.css"', manifest)
    assert re.search(r'"css/portal\.css": "css/portal\.[0-9a-f]{12}\.css"', manifest)


def test_debug_is_off_unless_asked_for() -> None:
    result = _run(
        {},
        "-c",
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='portal.settings'; "
        "from django.conf import settings; print(settings.DEBUG)",
    )
    assert result.stdout.strip() == "False"


def test_a_yes_no_variable_it_cannot_read_stops_with_a_clear_message() -> None:
    result = _run({"PORTAL_HTTPS": "ture"}, "manage.py", "check")
    assert result.returncode != 0
    assert "PORTAL_HTTPS='ture' is neither yes nor no" in result.stderr
    assert "1/0, true/false, yes/no or on/off" in result.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("TRUE", True),
        (" Yes ", True),
        ("on", True),
        ("0", False),
        ("False", False),
        ("no", False),
        ("OFF", False),
        ("", False),
    ],
)
def test_a_yes_no_variable_reads_the_usual_words_in_any_case(value: str, expected: bool) -> None:
    result = _run(
        {"DEBUG": value},
        "-c",
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='portal.settings'; "
        "from django.conf import settings; print(settings.DEBUG)",
    )
    assert result.stdout.strip() == str(expected), result.stderr


def test_the_embedded_broker_keeps_every_folder_under_var(tmp_path: Path) -> None:
    """kombu's filesystem transport writes its exchange tables to ./control unless told otherwise."""
    code = (
        "import django, os, json; os.environ['DJANGO_SETTINGS_MODULE']='portal.settings'; django.setup(); "
        "from django.conf import settings; print(json.dumps(settings.CELERY_BROKER_TRANSPORT_OPTIONS))"
    )
    result = _run({"PORTAL_VAR_DIR": str(tmp_path), "REDIS_URL": ""}, "-c", code)
    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout)
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        assert Path(options[key]).is_relative_to(tmp_path), key
    assert (tmp_path / "celery" / "control").is_dir()
