"""The message catalogues are complete and match the code: every marked string is translated in
the five languages, none is fuzzy, each translation has the placeholders of its source, and the
compiled catalogues Django reads are exactly the sources committed beside them."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings

from tests.conftest import require

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["ar", "zh_Hans", "fr", "ru", "es"]
DOMAINS = ["django", "djangojs"]
PLACEHOLDER = re.compile(r"%(?:\([a-z_0-9]+\))?[#0 +-]*\d*(?:\.\d+)?[sdifr]")
CATALOGUES = [(language, domain) for language in LANGUAGES for domain in DOMAINS]


def catalogue(language: str, domain: str) -> Any:
    with (LOCALE / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as source:
        return read_po(source, locale=language)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def key(message: Any) -> tuple[str | None, tuple[str, ...]]:
    ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
    return message.context, tuple(ids)


def forms(message: Any) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


@pytest.mark.parametrize(("language", "domain"), CATALOGUES)
def test_every_string_is_translated_and_none_is_fuzzy(language: str, domain: str) -> None:
    po = catalogue(language, domain)
    untranslated = [m.id for m in po if m.id and not all(forms(m))]
    fuzzy = [m.id for m in po if m.id and m.fuzzy]
    assert (untranslated, fuzzy) == ([], []), f"{language}/{domain}"


@pytest.mark.parametrize(("language", "domain"), CATALOGUES)
def test_translations_keep_the_placeholders_of_their_source(language: str, domain: str) -> None:
    po = catalogue(language, domain)
    wrong = []
    for message in po:
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        expected = placeholders(sources[-1])
        for text in forms(message):
            if placeholders(text) != expected:
                wrong.append((sources[0], text))
    assert wrong == [], f"{language}/{domain}"


@pytest.mark.parametrize(("language", "domain"), CATALOGUES)
def test_the_compiled_catalogue_is_its_source(language: str, domain: str) -> None:
    """Django reads the .mo; it is committed so a fresh machine needs no GNU gettext."""
    po = catalogue(language, domain)
    with (LOCALE / language / "LC_MESSAGES" / f"{domain}.mo").open("rb") as compiled:
        mo = read_mo(compiled)
    source = {key(m): forms(m) for m in po if m.id and not m.fuzzy}
    built = {key(m): forms(m) for m in mo if m.id}
    assert built == source, f"{language}/{domain}: run `manage.py compilemessages`"


def test_the_catalogues_hold_every_string_the_code_marks(tmp_path: Path) -> None:
    """makemessages on a copy of the code finds no msgid the committed catalogues lack, and none
    they keep that the code no longer has (needs GNU gettext, as makemessages does)."""
    require(shutil.which("xgettext") is not None, "GNU gettext (xgettext) is not installed")
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    for part in [
        "manage.py",
        "portal",
        "framework",
        "assessments",
        "reports",
        "audit",
        "templates",
        "static/js",
    ]:
        source = root / part
        target = copy / part
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    (copy / "locale").mkdir()
    for domain in DOMAINS:
        subprocess.run(
            [
                str(Path(settings.BASE_DIR) / ".venv/bin/python"),
                "manage.py",
                "makemessages",
                "-l",
                "fr",
                "-d",
                domain,
                "--no-location",
                "--ignore",
                "var/*",
            ],
            cwd=copy,
            check=True,
            capture_output=True,
            env={"PATH": "/usr/bin:/bin", "PORTAL_VAR_DIR": str(tmp_path / "var")},
        )
        with (copy / "locale/fr/LC_MESSAGES" / f"{domain}.po").open("rb") as fresh:
            wanted = {key(m) for m in read_po(fresh) if m.id}
        have = {key(m) for m in catalogue("fr", domain) if m.id}
        assert (wanted - have, have - wanted) == (set(), set()), (
            f"{domain}: run makemessages for the five languages and translate what is new"
        )
