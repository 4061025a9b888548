"""The layout's rules hold (DESIGN.md, "Layout"): the direction of imports between apps, one topic
per module of a readable size, thin views."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def sources(app: str) -> list[Path]:
    return sorted(p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)


def imported(path: Path) -> set[str]:
    """The top-level packages and ``portal`` modules a file imports, anywhere in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            found.add(".".join(parts[:2]) if parts[0] == "portal" else parts[0])
    return found


def test_assessments_never_imports_reports() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in sources("assessments") if "reports" in imported(p)]
    assert offenders == []


def test_framework_imports_neither_app_even_through_portal() -> None:
    portal_modules = {f"portal.{p.stem}": imported(p) for p in sources("portal")}
    for path in sources("framework"):
        uses = imported(path)
        assert not uses & {"assessments", "reports"}, path
        for module in uses & set(portal_modules):
            assert not portal_modules[module] & {"assessments", "reports"}, (path, module)


def test_audit_imports_no_app_of_the_portal() -> None:
    """Every app may write to the audit log, so it may depend on none of them (settings come from
    ``django.conf``)."""
    apps = {"framework", "assessments", "reports"}
    offenders = {}
    for path in sources("audit"):
        uses = {name for name in imported(path) if name in apps or name.split(".")[0] == "portal"}
        if uses:
            offenders[str(path.relative_to(ROOT))] = uses
    assert offenders == {}


@pytest.mark.parametrize("app", ["portal", "audit", "assessments", "reports"])
def test_no_module_is_over_600_lines(app: str) -> None:
    """The issue's bound for the apps it reshaped (framework's extraction builder is one long tool)."""
    long = {str(p.relative_to(ROOT)): n for p in sources(app) if (n := len(p.read_text().splitlines())) > 600}
    assert long == {}


@pytest.mark.parametrize("app", ["framework", "audit", "assessments", "reports"])
def test_view_functions_stay_short(app: str) -> None:
    """A view over ~40 lines has code that belongs in a selector, a service or a helper."""
    views = [p for p in sources(app) if p.stem == "views" or p.parent.name == "views"]
    long = {}
    for path in views:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 42:
                    long[f"{path.relative_to(ROOT)}:{node.name}"] = length
    assert long == {}
