"""Load the catalogue and its reference data from ``fixtures/`` into the database.

Loading is an upsert keyed by each node's stable code: a second run with the same files
changes nothing and says so. Every file is validated before anything is written, and all
writes happen in one transaction, so a broken fixture leaves the database as it was.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction

from .models import (
    Agency,
    DisaggregationCategory,
    DisaggregationDimension,
    Framework,
    GuidingPrinciple,
    Item,
    Pillar,
    Requirement,
    ResourceCitation,
    ResourceDocument,
    TechnicalAssistanceArea,
)
from .themes import THEMES

COLUMN_KINDS = {
    "objectives": Item.Kind.OBJECTIVE,
    "framework_indicators": Item.Kind.FRAMEWORK_INDICATOR,
    "implementation_measures": Item.Kind.IMPLEMENTATION_MEASURE,
    "operational_indicators": Item.Kind.OPERATIONAL_INDICATOR,
}


# The reference files this loader owns; others in the folder (countries) belong to other apps.
REFERENCE_FILES = {
    "icat_organisations",
    "guiding_principles",
    "disaggregation",
    "ta_areas",
    "requirement_themes",
}


class LoadError(Exception):
    """A fixture that cannot be loaded; the message names the file and the node."""


@dataclass
class LoadReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    sources: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)

    def summary(self) -> str:
        if not self.changed:
            return f"No changes: {', '.join(self.sources)} already loaded and up to date."
        parts = []
        for label, counter in (
            ("created", self.created),
            ("updated", self.updated),
            ("deleted", self.deleted),
        ):
            if counter:
                parts.append(f"{label} " + ", ".join(f"{n} {name}" for name, n in sorted(counter.items())))
        return f"Loaded {', '.join(self.sources)}: " + "; ".join(parts) + "."


# --- validation ---------------------------------------------------------------------------------


def _need(node: dict, keys: dict[str, type | tuple[type, ...]], where: str) -> None:
    if not isinstance(node, dict):
        raise LoadError(f"{where}: expected an object, got {type(node).__name__}")
    for key, kind in keys.items():
        if key not in node:
            raise LoadError(f"{where}: missing '{key}'")
        if not isinstance(node[key], kind):
            raise LoadError(f"{where}: '{key}' has the wrong type ({type(node[key]).__name__})")
        if kind is str and not node[key].strip() and key not in {"organisation", "url", "note"}:
            raise LoadError(f"{where}: '{key}' is empty")


def validate_catalogue(data: Any, source: str) -> None:
    """Raise ``LoadError`` naming the file and node for anything the loader could not store faithfully."""
    _need(data, {"framework": dict, "pillars": list, "documents": list}, source)
    _need(data["framework"], {"code": str, "title": str, "edition": str}, f"{source}: framework")
    codes: set[str] = set()
    keys: set[str] = set()
    for doc in data["documents"]:
        where = f"{source}: document {doc.get('key', '?') if isinstance(doc, dict) else '?'}"
        _need(doc, {"key": str, "section": str, "title": str, "url": str, "organisation": str}, where)
        if doc["section"] not in ResourceDocument.Section.values:
            raise LoadError(f"{where}: unknown section {doc['section']!r}")
        if doc.get("availability", "available") not in ResourceDocument.Availability.values:
            raise LoadError(f"{where}: unknown availability {doc['availability']!r}")
        if doc.get("year") is not None and not (isinstance(doc["year"], int) and 1900 <= doc["year"] <= 2100):
            raise LoadError(f"{where}: implausible year {doc['year']!r}")
        if doc["key"] in keys:
            raise LoadError(f"{where}: duplicate key")
        keys.add(doc["key"])
    numbers = set()
    for pillar in data["pillars"]:
        where = f"{source}: pillar {pillar.get('number', '?') if isinstance(pillar, dict) else '?'}"
        _need(pillar, {"number": int, "code": str, "name": str, "requirements": list}, where)
        if pillar["number"] in numbers:
            raise LoadError(f"{where}: duplicate pillar number")
        numbers.add(pillar["number"])
        for req in pillar["requirements"]:
            rwhere = f"{source}: requirement {req.get('code', '?') if isinstance(req, dict) else '?'}"
            _need(
                req,
                {"code": str, "title": str, "articles": list, "is_overview": bool, "resources": list},
                rwhere,
            )
            if not req["code"].startswith(f"{pillar['code']}."):
                raise LoadError(f"{rwhere}: code does not belong to pillar {pillar['code']}")
            _unique(req["code"], codes, rwhere)
            for column, kind in COLUMN_KINDS.items():
                if not isinstance(req.get(column), list):
                    raise LoadError(f"{rwhere}: missing column '{column}'")
                for item in req[column]:
                    iwhere = f"{source}: item {item.get('code', '?') if isinstance(item, dict) else '?'}"
                    _need(item, {"code": str, "text": str}, iwhere)
                    prefix = f"{req['code']}.{Item.CODE_PREFIX[kind]}"
                    if not item["code"].startswith(prefix) or not item["code"][len(prefix) :].isdigit():
                        raise LoadError(f"{iwhere}: code does not fit column '{column}' of {req['code']}")
                    _unique(item["code"], codes, iwhere)
                    answer_type = item.get("answer_type", "")
                    if kind == Item.Kind.OPERATIONAL_INDICATOR:
                        if answer_type not in Item.AnswerType.values:
                            raise LoadError(f"{iwhere}: unknown answer type {answer_type!r}")
                    elif answer_type:
                        raise LoadError(f"{iwhere}: only operational indicators have an answer type")
            for res in req["resources"]:
                cwhere = f"{source}: resource {res.get('code', '?') if isinstance(res, dict) else '?'}"
                _need(res, {"code": str, "citation": str}, cwhere)
                _unique(res["code"], codes, cwhere)
                doc = res.get("document")
                if doc is not None and (not isinstance(doc, dict) or doc.get("key") not in keys):
                    raise LoadError(f"{cwhere}: cites a document that is not in the annex")


def _unique(code: str, seen: set[str], where: str) -> None:
    if code in seen:
        raise LoadError(f"{where}: duplicate code")
    seen.add(code)


# --- writing ------------------------------------------------------------------------------------


def _sync[M: models.Model](
    model: type[M],
    existing: dict[Any, M],
    wanted: dict[Any, dict[str, Any]],
    report: LoadReport,
    *,
    delete: bool = True,
) -> dict[Any, M]:
    """Make the rows ``existing`` (by natural key) match ``wanted``; return all rows by key."""
    label = str(model._meta.verbose_name_plural)
    to_create, to_update, fields = [], [], set()
    rows = dict(existing)
    for key, values in wanted.items():
        obj = existing.get(key)
        if obj is None:
            obj = model(**values)
            if isinstance(obj, Item):
                obj.kind_order = Item.KIND_ORDER[obj.kind]
            to_create.append(obj)
            rows[key] = obj
            continue
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        for name in changed:
            setattr(obj, name, values[name])
        if changed:
            if isinstance(obj, Item):
                obj.kind_order = Item.KIND_ORDER[obj.kind]
                changed.append("kind_order")
            fields.update(changed)
            to_update.append(obj)
    model._default_manager.bulk_create(to_create)
    if to_update:
        model._default_manager.bulk_update(to_update, sorted(fields))
    stale = [key for key in existing if key not in wanted]
    if stale and delete:
        model._default_manager.filter(pk__in=[existing[k].pk for k in stale]).delete()
        for key in stale:
            rows.pop(key)
    report.created[label] += len(to_create)
    report.updated[label] += len(to_update)
    report.deleted[label] += len(stale) if delete else 0
    for counter in (report.created, report.updated, report.deleted):
        if not counter[label]:
            del counter[label]
    return rows


def _load_catalogue(data: dict, report: LoadReport) -> Framework:
    meta = data["framework"]
    framework, created = Framework.objects.get_or_create(
        code=meta["code"],
        defaults={k: meta.get(k, "") for k in ("title", "edition", "publisher", "published")},
    )
    if created:
        report.created["frameworks"] += 1
    else:
        changed = [
            k
            for k in ("title", "edition", "publisher", "published")
            if getattr(framework, k) != meta.get(k, "")
        ]
        for k in changed:
            setattr(framework, k, meta.get(k, ""))
        if changed:
            framework.save()
            report.updated["frameworks"] += 1

    fw = framework
    pillars = _sync(
        Pillar,
        {p.number: p for p in fw.pillars.all()},
        {
            p["number"]: {"framework_id": fw.pk, "number": p["number"], "code": p["code"], "name": p["name"]}
            for p in data["pillars"]
        },
        report,
    )
    documents = _sync(
        ResourceDocument,
        {d.key: d for d in fw.documents.all()},
        {
            d["key"]: {
                "framework_id": fw.pk,
                "key": d["key"],
                "section": d["section"],
                "position": n,
                "organisation": d.get("organisation", ""),
                "title": d["title"],
                "year": d.get("year"),
                "url": d.get("url", ""),
                "availability": d.get("availability", "available" if d.get("url") else "none"),
                "note": d.get("note", ""),
                "source_lines": d.get("source_lines", ""),
            }
            for n, d in enumerate(data["documents"], start=1)
        },
        report,
        delete=False,  # removed at the end, once no citation points at them
    )
    wanted_reqs: dict[str, dict[str, Any]] = {}
    wanted_items: dict[str, dict[str, Any]] = {}
    wanted_citations: dict[str, dict[str, Any]] = {}
    for p in data["pillars"]:
        for position, r in enumerate(p["requirements"]):
            wanted_reqs[r["code"]] = {
                "framework_id": fw.pk,
                "pillar_id": pillars[p["number"]].pk,
                "code": r["code"],
                "position": position,
                "title": r["title"],
                "articles": r["articles"],
                "is_overview": r["is_overview"],
                "source_lines": r.get("source_lines", ""),
            }
    requirements = _sync(Requirement, {r.code: r for r in fw.requirements.all()}, wanted_reqs, report)
    for p in data["pillars"]:
        for r in p["requirements"]:
            req = requirements[r["code"]]
            for column, kind in COLUMN_KINDS.items():
                for position, item in enumerate(r[column], start=1):
                    wanted_items[item["code"]] = {
                        "framework_id": fw.pk,
                        "pillar_id": req.pillar_id,
                        "requirement_id": req.pk,
                        "kind": kind,
                        "position": position,
                        "code": item["code"],
                        "text": item["text"],
                        "band": item.get("band", 1),
                        "answer_type": item.get("answer_type", ""),
                        "source_lines": item.get("source_lines", ""),
                    }
            for position, res in enumerate(r["resources"], start=1):
                doc = res.get("document")
                wanted_citations[res["code"]] = {
                    "framework_id": fw.pk,
                    "pillar_id": req.pillar_id,
                    "requirement_id": req.pk,
                    "position": position,
                    "code": res["code"],
                    "citation": res["citation"],
                    "note": res.get("note", ""),
                    "band": res.get("band", 1),
                    "document_id": documents[doc["key"]].pk if doc else None,
                    "source_lines": res.get("source_lines", ""),
                }
    _sync(Item, {i.code: i for i in fw.items.all()}, wanted_items, report)
    _sync(ResourceCitation, {c.code: c for c in fw.citations.all()}, wanted_citations, report)
    stale_docs = [d.pk for key, d in documents.items() if key not in {x["key"] for x in data["documents"]}]
    if stale_docs:
        ResourceDocument.objects.filter(pk__in=stale_docs).delete()
        report.deleted["resource documents"] += len(stale_docs)
    return fw


def _load_reference(kind: str, data: Any, source: str, report: LoadReport) -> None:
    try:
        if kind == "icat_organisations":
            _sync(
                Agency,
                {a.code: a for a in Agency.objects.all()},
                {
                    o["code"]: {
                        "code": o["code"],
                        "name": o["name"],
                        "mandate": o.get("mandate", ""),
                        "pillars": sorted(int(n) for n in o.get("pillars", [])),
                        "themes": _themes(o.get("themes", {}), f"{source}: {o['code']}"),
                        "current_name": o.get("current_name") or "",
                        "current_name_note": o.get("current_name_note") or "",
                        "source_lines": o.get("source_lines", ""),
                    }
                    for o in data["organisations"]
                },
                report,
            )
        elif kind == "requirement_themes":
            # Applied to the requirements of every edition with that code; the Framework's text
            # is untouched.
            wanted = {
                code: (
                    list(_themes(dict.fromkeys(entry["themes"], ""), f"{source}: {code}")),  # in order
                    entry.get("source_lines", ""),
                )
                for code, entry in data["requirements"].items()
            }
            changed = []
            for requirement in Requirement.objects.filter(code__in=wanted):
                themes, lines = wanted[requirement.code]
                if (requirement.themes, requirement.themes_source) != (themes, lines):
                    requirement.themes, requirement.themes_source = themes, lines
                    changed.append(requirement)
            Requirement.objects.bulk_update(changed, ["themes", "themes_source"])
            if changed:
                report.updated["requirement themes"] += len(changed)
        elif kind == "guiding_principles":
            _sync(
                GuidingPrinciple,
                {g.number: g for g in GuidingPrinciple.objects.all()},
                {
                    g["number"]: {
                        "number": g["number"],
                        "title": g["title"],
                        "text": g["text"],
                        "source_lines": g.get("source_lines", ""),
                    }
                    for g in data["principles"]
                },
                report,
            )
        elif kind == "disaggregation":
            dims = _sync(
                DisaggregationDimension,
                {d.code: d for d in DisaggregationDimension.objects.all()},
                {
                    d["code"]: {
                        "code": d["code"],
                        "name": d["name"],
                        "group": d.get("group", ""),
                        "position": n,
                    }
                    for n, d in enumerate(data["dimensions"], start=1)
                },
                report,
            )
            _sync(
                DisaggregationCategory,
                {
                    (c.dimension.code, c.code): c
                    for c in DisaggregationCategory.objects.select_related("dimension")
                },
                {
                    (d["code"], c["code"]): {
                        "dimension_id": dims[d["code"]].pk,
                        "code": c["code"],
                        "name": c["name"],
                        "position": n,
                    }
                    for d in data["dimensions"]
                    for n, c in enumerate(d["categories"], start=1)
                },
                report,
            )
        elif kind == "ta_areas":
            _sync(
                TechnicalAssistanceArea,
                {a.code: a for a in TechnicalAssistanceArea.objects.all()},
                {
                    a["code"]: {
                        "code": a["code"],
                        "name": a["name"],
                        "description": a.get("description", ""),
                        "pillars": sorted(int(n) for n in a.get("pillars", [])),
                        "position": n,
                    }
                    for n, a in enumerate(data["areas"], start=1)
                },
                report,
            )
        else:
            raise LoadError(f"{source}: unknown reference file")
    except (KeyError, TypeError, ValueError) as exc:
        raise LoadError(f"{source}: malformed entry ({exc.__class__.__name__}: {exc})") from exc


def _themes(themes: dict[str, str], where: str) -> dict[str, str]:
    unknown = sorted(set(themes) - set(THEMES))
    if unknown:
        raise LoadError(f"{where}: unknown theme(s) {', '.join(unknown)}; known: {', '.join(THEMES)}")
    return dict(themes)


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LoadError(f"{path}: cannot be read as JSON ({exc})") from exc


def load_fixtures(*, directory: Path) -> LoadReport:
    """Load every catalogue in ``directory/framework`` and the reference data in ``directory/reference``."""
    catalogues = sorted((directory / "framework").glob("*.json"))
    if not catalogues:
        raise LoadError(f"{directory / 'framework'}: no catalogue fixture (*.json) found")
    parsed = []
    for path in catalogues:
        data = _read(path)
        validate_catalogue(data, path.name)
        parsed.append((path, data))
    references = [
        (p, _read(p)) for p in sorted((directory / "reference").glob("*.json")) if p.stem in REFERENCE_FILES
    ]
    report = LoadReport()
    with transaction.atomic():
        for path, data in parsed:
            _load_catalogue(data, report)
            report.sources.append(path.name)
        for path, data in references:
            _load_reference(path.stem, data, path.name, report)
            report.sources.append(path.name)
    return report
