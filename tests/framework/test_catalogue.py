"""The Framework catalogue itself: complete, in its right columns, word for word as printed.

These are the only tests that use the real catalogue. They read the committed fixture and,
where needed, the seed text it was extracted from.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from framework import extraction
from framework.extraction import comparable

FIXTURE = settings.FRAMEWORK_FIXTURES_DIR / "framework" / "unodc-2009.json"
SOURCE = settings.FRAMEWORK_FIXTURES_DIR / "framework" / "source"
COLUMNS = [
    "objectives",
    "framework_indicators",
    "implementation_measures",
    "operational_indicators",
    "resources",
]

# FRAMEWORK-SOURCE-NOTES §2 and §5: requirement rows (overviews excluded) per pillar,
# and the notes' reading of items per column for those rows (O/FI/IM/OI/R).
EXPECTED_PILLARS = {
    1: ("Prosecution", 9, (21, 12, 34, 32, 31)),
    2: ("Protection/Assistance", 11, (20, 15, 69, 66, 54)),
    3: ("Prevention", 3, (7, 7, 25, 25, 13)),
    4: ("National coordination/cooperation", 1, (1, 1, 3, 5, 5)),
    5: ("International cooperation/coordination", 7, (17, 12, 20, 17, 22)),
}
# The notes' plausible ranges for the 31 requirement rows, per column.
PLAUSIBLE = {
    "objectives": (60, 75),
    "framework_indicators": (44, 52),
    "implementation_measures": (148, 160),
    "operational_indicators": (142, 148),
    "resources": (123, 127),
}

# Citations with no entry in the annex, each for a reason a reader can check in the seed.
KNOWN_UNLINKED = {
    "1.1.R10": "training manuals of several organisations, not one document",
    "2.3.R5": "the annex lists only the Medical Officers manual, not the Social Workers one",
    "4.1.R3": "an 'e.g.' note on Mekong memoranda of understanding",
    "5.6.R2": "the South East Europe police cooperation convention is not in the annex",
    "5.7.R1": "an 'e.g.' note naming two COMMIT documents",
    "5.7.R2": "an 'e.g.' note on OSCE and UNIAP",
}

# Items checked by hand against the seed: exact text after cleaning (case restored, line-break
# hyphens mended, typos kept).
WORD_FOR_WORD = {
    "1.0.OI4": "Number of specialized criminal justice practictioners",
    "1.2.FI1": "Existence of provision in legislation or offence specifying that the consent of the victim "
    "is irrelevant when the means have been utilized",
    "1.4.O3": "Action: the recruitment, transportation, transfer, harbouring or receipt of persons",
    "1.6.IM3": "Ensure legislation refers to the list of forms of corruption as set out in the Convention. "
    "Legislation can provide for a specific offence concerning corruption in relation to trafficking in "
    "persons or corruption can be considered an aggravating circumstance in trafficking in persons cases",
    "2.1.IM1": "Adopt appropriate measures for victim assistance and victims/witnesses of trafficking in persons "
    "through regulations, directives, guidelines or a national/regional plan of action ensuring effective "
    "implementation",
    "2.5.FI1": "Existence of a legislative or administrative framework to protect the privacy and identity of "
    "trafficking victims receiving assistance and protection",
    "2.9.OI1": "Evidence of implementation of the UNICEF Guidelines",
    "2.11.IM6": "Safe return could be organized by bilateral and multilateral agreements in that case the special "
    "needs of trafficked children should be taken into account",
    "3.1.IM16": "Ensure or strengthen training of law enforcement, immigration service and other services related "
    "to prevention (article 10, para. 2, Protocol) as well as social support and welfare service and civil "
    "society partners",
    "3.2.IM5": "Awareness and capacity-building programmes targeting the commercial carriers",
    "4.0.FI1": "Coordination of all stakeholders involved in the fight against trafficking in persons "
    "(governmental institutions, judicial authorities, labour inspectors, NGOs and other elements of civil "
    "society, private sectors, workers’ and employers’ organization, child and youth care providers, asylum "
    "authorities, all other relevant stakeholders)",
    "5.2.O1": "To give States parties the ability to seek assistance with regard to:\n"
    "• Taking evidence or statements from persons\n"
    "• Effecting service of judicial documents\n"
    "• Executing searches, seizures and freezing assets\n"
    "• Examining objects and sites\n"
    "• Providing information, evidentiary items and expert evaluations\n"
    "• Providing originals or certified copies of relevant documents and records\n"
    "• Identifying or tracing proceeds of crime\n"
    "• Facilitating the voluntary appearance of persons in the requesting State party",
    "5.7.O1": "Coordinate activities among international organizations",
}


@pytest.fixture(scope="module")
def catalogue() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def _nodes(catalogue: dict) -> dict[str, dict]:
    nodes = {}
    for pillar in catalogue["pillars"]:
        for req in pillar["requirements"]:
            nodes[req["code"]] = req
            for column in COLUMNS:
                for item in req[column]:
                    nodes[item["code"]] = item
    return nodes


def _seed_text(seed: list[str], spec: str) -> str:
    lines = []
    for piece in spec.split("+"):
        a, _, b = piece.partition("-")
        lines.extend(seed[int(a) : int(b or a) + 1])
    return " ".join(lines)


def test_pillars_have_the_requirement_rows_the_source_prints(catalogue: dict) -> None:
    pillars = {p["number"]: p for p in catalogue["pillars"]}
    assert sorted(pillars) == [1, 2, 3, 4, 5]
    for number, (name, rows, _) in EXPECTED_PILLARS.items():
        requirements = pillars[number]["requirements"]
        assert pillars[number]["name"] == name
        assert len([r for r in requirements if not r["is_overview"]]) == rows
        overviews = [r for r in requirements if r["is_overview"]]
        assert len(overviews) == (0 if number == 5 else 1)
        if overviews:
            assert requirements[0]["is_overview"] and requirements[0]["code"] == f"{number}.0"
            assert overviews[0]["articles"] == []


def test_columns_per_pillar_match_the_source_notes_within_two(catalogue: dict) -> None:
    for pillar in catalogue["pillars"]:
        rows = [r for r in pillar["requirements"] if not r["is_overview"]]
        counts = tuple(sum(len(r[c]) for r in rows) for c in COLUMNS)
        expected = EXPECTED_PILLARS[pillar["number"]][2]
        for column, got, want in zip(COLUMNS, counts, expected, strict=True):
            assert abs(got - want) <= 2, f"pillar {pillar['number']} {column}: {got}, notes read {want}"


def test_column_totals_are_in_the_plausible_ranges(catalogue: dict) -> None:
    totals: Counter[str] = Counter()
    for pillar in catalogue["pillars"]:
        for req in pillar["requirements"]:
            if not req["is_overview"]:
                for column in COLUMNS:
                    totals[column] += len(req[column])
    for column, (low, high) in PLAUSIBLE.items():
        assert low <= totals[column] <= high, f"{column}: {totals[column]} outside {low}-{high}"


def test_every_requirement_row_has_its_core_columns(catalogue: dict) -> None:
    for pillar in catalogue["pillars"]:
        for req in pillar["requirements"]:
            assert req["objectives"], req["code"]
            assert req["implementation_measures"], req["code"]
            assert req["operational_indicators"], req["code"]
            # Only the border-agencies row (5.6) prints no framework indicator; only 1.5 no resource.
            assert bool(req["framework_indicators"]) == (req["code"] != "5.6"), req["code"]
            assert bool(req["resources"]) == (req["code"] != "1.5"), req["code"]
            if not req["is_overview"] and req["code"] not in {"5.1", "5.7"}:
                assert req["articles"], f"{req['code']} cites no article"


@pytest.mark.parametrize(("code", "text"), sorted(WORD_FOR_WORD.items()))
def test_sample_items_read_word_for_word_as_printed(catalogue: dict, code: str, text: str) -> None:
    assert _nodes(catalogue)[code]["text"] == text


def test_requirement_titles_and_articles_as_printed(catalogue: dict) -> None:
    nodes = _nodes(catalogue)
    assert nodes["1.1"]["title"].startswith(
        "Criminalize trafficking in persons, the attempt to commit the offence"
    )
    assert nodes["1.1"]["articles"] == ["article 5, Protocol"]
    assert nodes["1.2"]["title"] == "Victim consent"
    assert (
        nodes["2.0"]["title"] == "Protection, assistance and reintegration victims of trafficking in persons"
    )
    assert nodes["2.2"]["title"] == "Housing"
    assert nodes["3.0"]["title"] == nodes["3.1"]["title"] == "Prevention of trafficking in persons"
    assert nodes["3.1"]["articles"] == ["article 9, Protocol"]
    assert nodes["5.1"]["title"] == "International cooperation among member states"
    assert nodes["5.1"]["articles"] == []
    assert nodes["5.2"]["title"] == "Mutual legal assistance"


def test_every_item_has_exactly_the_words_of_its_seed_lines(catalogue: dict, seed_path: Path) -> None:
    """No word added, lost or changed: cleaning may only touch case, spaces and line-break hyphens."""
    seed = ["", *seed_path.read_text(encoding="utf-8").split("\n")]
    checked = 0
    for pillar in catalogue["pillars"]:
        for req in pillar["requirements"]:
            for column in COLUMNS:
                for item in req[column]:
                    text = item.get("text") or item["citation"]
                    source = _seed_text(seed, item["source_lines"])
                    assert comparable(text) == comparable(source), (
                        f"{item['code']} differs from lines {item['source_lines']}"
                    )
                    checked += 1
    assert checked == 616


def test_committed_fixture_is_what_the_maps_build(catalogue: dict, seed_path: Path) -> None:
    """The maps are the source of truth; the fixture must not be edited by hand or left stale."""
    assert extraction.build(seed_path, SOURCE) == catalogue


def test_codes_are_unique_and_follow_the_columns(catalogue: dict) -> None:
    seen: set[str] = set()
    prefixes = {
        "objectives": "O",
        "framework_indicators": "FI",
        "implementation_measures": "IM",
        "operational_indicators": "OI",
        "resources": "R",
    }
    for pillar in catalogue["pillars"]:
        for req in pillar["requirements"]:
            assert re.fullmatch(rf"{pillar['number']}\.\d+", req["code"])
            assert req["code"] not in seen
            seen.add(req["code"])
            for column, prefix in prefixes.items():
                for n, item in enumerate(req[column], start=1):
                    assert item["code"] == f"{req['code']}.{prefix}{n}"
                    assert item["code"] not in seen
                    seen.add(item["code"])


def test_no_running_header_or_column_heading_leaked_into_an_item(catalogue: dict) -> None:
    leaks = re.compile(
        r"(?i:table \d\.|\(Continued\)|\(Minimum standard\))|IMPLEMENTATION|OPERATIONAL|Fram ew"
    )
    for code, node in _nodes(catalogue).items():
        text = str(node.get("text") or node.get("citation") or node.get("title"))
        assert not leaks.search(text), f"{code}: {text!r}"


def test_small_caps_damage_is_repaired(catalogue: dict) -> None:
    damaged = re.compile(r"\b(Unodc|iLo|ioM|UnicEF|tocc|tipp|nGos?|oScE|icMpd|UnHcR|aSEan|intERpoL|Sadc)\b")
    for code, node in _nodes(catalogue).items():
        text = str(node.get("text") or node.get("citation") or node.get("title"))
        assert not damaged.search(text), f"{code}: {text!r}"
        assert text[0] == text[0].upper() or text.startswith("e.g."), f"{code} starts in lower case"


def test_every_citation_is_linked_or_knowingly_unlinked(catalogue: dict) -> None:
    unlinked = {}
    for pillar in catalogue["pillars"]:
        for req in pillar["requirements"]:
            for res in req["resources"]:
                if res["document"] is None:
                    unlinked[res["code"]] = res["citation"]
    assert set(unlinked) == set(KNOWN_UNLINKED), unlinked


def test_linked_citations_share_title_words_with_their_document(catalogue: dict) -> None:
    """A wrong link is caught: the citation must name the document's organisation or title words."""
    stop = {
        "the",
        "and",
        "for",
        "of",
        "in",
        "on",
        "to",
        "a",
        "an",
        "with",
        "against",
        "persons",
        "trafficking",
    }
    for pillar in catalogue["pillars"]:
        for req in pillar["requirements"]:
            for res in req["resources"]:
                doc = res["document"]
                if doc is None:
                    continue
                cited = set(re.findall(r"[a-z]{3,}", res["citation"].lower())) - stop
                title = set(re.findall(r"[a-z]{3,}", doc["title"].lower())) - stop
                shared = cited & title
                assert len(shared) >= min(2, len(title)), (
                    f"{res['code']} -> {doc['key']}: {res['citation']!r}"
                )


def test_annex_has_55_resources_and_32_legal_instruments_with_whole_urls(catalogue: dict) -> None:
    docs = catalogue["documents"]
    sections = Counter(d["section"] for d in docs)
    assert sections == {"resources": 55, "legal_instruments": 32}
    assert [d["key"] for d in docs] == [f"A{n:02d}" for n in range(1, 56)] + [
        f"L{n:02d}" for n in range(1, 33)
    ]
    for doc in docs:
        if doc["url"]:
            assert " " not in doc["url"], doc["key"]
            assert doc["url"].startswith(("http://", "https://", "www.")), doc["key"]
        assert doc["availability"] in {"available", "to_be_published", "none"}
    by_key = {d["key"]: d for d in docs}
    # URLs the PDF broke across lines, rejoined exactly (FRAMEWORK-SOURCE-NOTES §4).
    assert by_key["A08"]["url"].endswith("Resolution%202005-20.pdf")
    assert by_key["A48"]["url"].endswith("Witness-protection-manual-Feb08.pdf")
    assert "Protecting%20the%20Rights" in by_key["A02"]["url"]
    assert by_key["A50"]["title"].startswith("Toolkit to Combat Trafficking in Persons") or by_key["A50"][
        "title"
    ].startswith("UNODC Toolkit")


def test_operational_indicators_have_an_answer_type_from_their_wording(catalogue: dict) -> None:
    nodes = _nodes(catalogue)
    assert nodes["1.1.OI2"]["answer_type"] == "count"  # "Number of trafficking in persons investigations …"
    assert nodes["1.0.OI5"]["answer_type"] == "amount"  # "Committed budget allocation"
    assert nodes["1.1.OI1"]["answer_type"] == "yes_no"  # "Existence of regulations, circulars …"
    assert nodes["1.7.OI1"]["answer_type"] == "narrative"  # "Severity of sanctions imposed …"
    types = Counter(
        oi["answer_type"]
        for p in catalogue["pillars"]
        for r in p["requirements"]
        for oi in r["operational_indicators"]
    )
    assert set(types) == {"count", "amount", "yes_no", "narrative"}
