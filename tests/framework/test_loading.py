"""load_framework and export_framework, on small catalogues written for the test."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from framework.models import Framework, Item, Requirement, ResourceCitation, ResourceDocument

pytestmark = pytest.mark.django_db


def small_catalogue() -> dict[str, Any]:
    return {
        "framework": {"code": "mini-2009", "title": "Mini Framework", "edition": "2009"},
        "pillars": [
            {
                "number": 1,
                "code": "1",
                "name": "Prosecution",
                "requirements": [
                    {
                        "code": "1.0",
                        "title": "Overview row",
                        "articles": [],
                        "is_overview": True,
                        "objectives": [{"code": "1.0.O1", "text": "Ensure common norms"}],
                        "framework_indicators": [{"code": "1.0.FI1", "text": "Ratification of TOCC"}],
                        "implementation_measures": [],
                        "operational_indicators": [
                            {
                                "code": "1.0.OI1",
                                "text": "Committed budget allocation",
                                "answer_type": "amount",
                            }
                        ],
                        "resources": [],
                    },
                    {
                        "code": "1.1",
                        "title": "Victim consent",
                        "articles": ["article 3.b, Protocol"],
                        "is_overview": False,
                        "objectives": [{"code": "1.1.O1", "text": "Ensure consent is irrelevant"}],
                        "framework_indicators": [{"code": "1.1.FI1", "text": "Existence of provision"}],
                        "implementation_measures": [
                            {"code": "1.1.IM1", "text": "Ensure legislation makes clear"},
                            {"code": "1.1.IM2", "text": "Train prosecutors", "band": 2},
                        ],
                        "operational_indicators": [
                            {"code": "1.1.OI1", "text": "Number of prosecutions", "answer_type": "count"}
                        ],
                        "resources": [
                            {
                                "code": "1.1.R1",
                                "citation": "UNODC toolkit, 2008 (tool 6.1)",
                                "note": "(tool 6.1)",
                                "document": {
                                    "key": "A01",
                                    "organisation": "UNODC",
                                    "title": "Toolkit",
                                    "year": 2008,
                                    "url": "http://x.org",
                                },
                            },
                            {"code": "1.1.R2", "citation": "Training manuals", "document": None},
                        ],
                    },
                ],
            }
        ],
        "documents": [
            {
                "key": "A01",
                "section": "resources",
                "organisation": "UNODC",
                "title": "Toolkit",
                "year": 2008,
                "url": "http://x.org",
                "availability": "available",
            },
            {
                "key": "L01",
                "section": "legal_instruments",
                "organisation": "",
                "title": "A Convention",
                "year": None,
                "url": "www.example.org/c",
                "availability": "available",
            },
        ],
    }


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    (tmp_path / "framework").mkdir(exist_ok=True)
    (tmp_path / "reference").mkdir(exist_ok=True)
    (tmp_path / "framework" / "mini.json").write_text(json.dumps(data), encoding="utf-8")
    return tmp_path


def load(folder: Path) -> str:
    out = io.StringIO()
    call_command("load_framework", fixtures=folder, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, Any]:
    return {
        "items": sorted(Item.objects.values_list("code", "text", "pk")),
        "requirements": sorted(Requirement.objects.values_list("code", "title", "pk")),
        "citations": sorted(ResourceCitation.objects.values_list("code", "document__key", "pk")),
        "documents": sorted(ResourceDocument.objects.values_list("key", "title", "pk")),
    }


def test_first_load_creates_everything_and_says_so(tmp_path: Path) -> None:
    out = load(write(tmp_path, small_catalogue()))
    assert "created" in out and "8 items" in out
    fw = Framework.objects.get(code="mini-2009")
    assert fw.items.filter(kind=Item.Kind.IMPLEMENTATION_MEASURE).count() == 2
    document = fw.citations.get(code="1.1.R1").document
    assert document is not None
    assert document.key == "A01"
    assert fw.citations.get(code="1.1.R2").document is None
    assert fw.items.get(code="1.1.IM2").band == 2


def test_second_load_changes_nothing_and_says_so(tmp_path: Path) -> None:
    folder = write(tmp_path, small_catalogue())
    load(folder)
    before = snapshot()
    out = load(folder)
    assert out.startswith("No changes")
    assert snapshot() == before


def test_a_changed_text_is_updated_in_place_keeping_its_row(tmp_path: Path) -> None:
    data = small_catalogue()
    folder = write(tmp_path, data)
    load(folder)
    pk = Item.objects.get(code="1.1.IM1").pk
    data["pillars"][0]["requirements"][1]["implementation_measures"][0]["text"] = "Ensure legislation says so"
    out = load(write(tmp_path, data))
    assert "updated 1 items" in out
    item = Item.objects.get(code="1.1.IM1")
    assert (item.pk, item.text) == (pk, "Ensure legislation says so")


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (
            lambda d: d["pillars"][0]["requirements"][1]["implementation_measures"][0].pop("text"),
            "item 1.1.IM1: missing 'text'",
        ),
        (
            lambda d: d["pillars"][0]["requirements"][1]["objectives"].append(
                {"code": "1.1.FI1", "text": "x"}
            ),
            "item 1.1.FI1",
        ),
        (
            lambda d: d["pillars"][0]["requirements"][1]["resources"][0]["document"].update(key="A99"),
            "resource 1.1.R1: cites a document",
        ),
        (
            lambda d: d["pillars"][0]["requirements"][1]["operational_indicators"][0].update(
                answer_type="maybe"
            ),
            "item 1.1.OI1: unknown answer type",
        ),
        (
            lambda d: d["pillars"][0]["requirements"][1].update(code="2.1"),
            "requirement 2.1: code does not belong to pillar 1",
        ),
        (lambda d: d["documents"][0].update(year=19), "document A01: implausible year"),
    ],
)
def test_a_broken_fixture_is_refused_naming_file_and_node_and_nothing_changes(
    tmp_path: Path, breakage: Any, message: str
) -> None:
    good = small_catalogue()
    load(write(tmp_path, good))
    before = snapshot()
    broken = copy.deepcopy(good)
    broken["pillars"][0]["requirements"][1]["implementation_measures"][0]["text"] = (
        "A new text that must not land"
    )
    breakage(broken)
    with pytest.raises(CommandError) as excinfo:
        load(write(tmp_path, broken))
    assert "mini.json" in str(excinfo.value)
    assert message in str(excinfo.value)
    assert snapshot() == before


def test_unreadable_json_is_refused_with_the_file_name(tmp_path: Path) -> None:
    folder = write(tmp_path, small_catalogue())
    (folder / "framework" / "mini.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match=r"mini\.json: cannot be read as JSON"):
        load(folder)
    assert not Framework.objects.exists()


def test_a_failure_in_the_middle_of_writing_rolls_everything_back(tmp_path: Path) -> None:
    data = small_catalogue()
    folder = write(tmp_path, data)
    (folder / "reference" / "guiding_principles.json").write_text('{"principles": [{"number": 1}]}')
    with pytest.raises(CommandError, match=r"guiding_principles\.json: malformed entry"):
        load(folder)
    assert not Framework.objects.exists()
    assert not Item.objects.exists()


def test_codes_are_stable_across_reloads(tmp_path: Path) -> None:
    folder = write(tmp_path, small_catalogue())
    load(folder)
    first = dict(Item.objects.values_list("code", "pk"))
    Item.objects.filter(code="1.1.IM1").update(text="edited by hand")
    load(folder)
    assert dict(Item.objects.values_list("code", "pk")) == first
    assert Item.objects.get(code="1.1.IM1").text == "Ensure legislation makes clear"


def test_export_writes_the_documented_shape(tmp_path: Path) -> None:
    load(write(tmp_path, small_catalogue()))
    target = tmp_path / "out.json"
    call_command("export_framework", output=target, framework="mini-2009", stderr=io.StringIO())
    data = json.loads(target.read_text(encoding="utf-8"))
    assert {"code", "title", "edition"} <= set(data["framework"])
    pillar = data["pillars"][0]
    assert {"number", "code", "name", "requirements"} <= set(pillar)
    req = pillar["requirements"][1]
    assert {
        "code",
        "title",
        "articles",
        "is_overview",
        "objectives",
        "framework_indicators",
        "implementation_measures",
        "operational_indicators",
        "resources",
    } <= set(req)
    assert req["articles"] == ["article 3.b, Protocol"]
    assert {"code", "text"} <= set(req["objectives"][0])
    assert req["operational_indicators"][0]["answer_type"] == "count"
    assert req["resources"][0]["document"] == {
        "key": "A01",
        "organisation": "UNODC",
        "title": "Toolkit",
        "year": 2008,
        "url": "http://x.org",
    }
    assert req["resources"][1]["document"] is None
    assert [d["section"] for d in data["documents"]] == ["resources", "legal_instruments"]
    assert {"organisation", "title", "year", "url", "section"} <= set(data["documents"][0])


def test_export_of_a_load_gives_back_the_fixture(tmp_path: Path) -> None:
    data = small_catalogue()
    load(write(tmp_path, data))
    out = io.StringIO()
    call_command("export_framework", framework="mini-2009", stdout=out)
    exported = json.loads(out.getvalue())
    assert [r["code"] for r in exported["pillars"][0]["requirements"]] == ["1.0", "1.1"]
    im = exported["pillars"][0]["requirements"][1]["implementation_measures"]
    assert [(i["code"], i["text"]) for i in im] == [
        ("1.1.IM1", "Ensure legislation makes clear"),
        ("1.1.IM2", "Train prosecutors"),
    ]


def test_export_without_a_loaded_framework_says_what_to_do() -> None:
    with pytest.raises(CommandError, match="run load_framework first"):
        call_command("export_framework", stdout=io.StringIO())


def test_the_real_catalogue_loads_and_exports_back_to_its_fixture(tmp_path: Path) -> None:
    from django.conf import settings

    fixture = settings.FRAMEWORK_FIXTURES_DIR / "framework" / "unodc-2009.json"
    out = load(settings.FRAMEWORK_FIXTURES_DIR)
    assert "35 Protocol requirements" in out
    assert load(settings.FRAMEWORK_FIXTURES_DIR).startswith("No changes")
    target = tmp_path / "export.json"
    call_command("export_framework", output=target, stderr=io.StringIO())
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(fixture.read_text(encoding="utf-8"))
