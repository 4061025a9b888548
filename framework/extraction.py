"""Build the Framework catalogue fixture from the seed text and hand-written source maps.

The seed (``shared/seeds/004_*.txt``) is the PDF's text: five tables whose columns are not marked,
with duplicated pages, rows running across pages and small-caps casing. A parser that guesses
columns gets some of it wrong, so each pillar has a *map* (``fixtures/framework/source/*.map``)
where a reader assigned every paragraph of the table to its row and column by its line numbers.
This module turns maps into items mechanically: it reads the lines, joins them, mends the PDF
artefacts (line-break hyphens, lost capitals) and refuses anything else. It also refuses a map that
leaves a non-blank line of its table unaccounted for, so no item can be forgotten silently.

Map syntax (one directive per line, ``#`` starts a comment)::

    @pillar 1                       the pillar this map describes
    @lines 767-2549                 the table's line range, checked for full coverage
    @skip 1111-1164 duplicate page  lines deliberately left out, with a reason
    @fix FROM => TO                 replace text in this map's items (may change only case,
                                    spaces and hyphens; anything else is refused)
    @req overview 786-789           the pillar's overview row (title lines)
    @req 900-908 | 910              a requirement: title lines | article lines
    @req 3990-4006 title="…" articles="…; …"   explicit title/articles (words still checked)
    @band                           a new sub-row of the current requirement
    O 791                           an objective: the paragraph starting at line 791
    FI 801-802                      a framework indicator on an explicit line range
    IM 1799-1815                    a range spanning paragraphs keeps them as separate lines
    OI 7225 + 7227                  pieces joined into one item
    RES 1011-1013 -> A37            a resource citation linked to annex document A37
    RES 1108 -> none                a resource citation knowingly left unlinked

Column labels: O (specific objectives), FI (framework indicators), IM (implementation
measures), OI (operational indicators), RES (resources).
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

PILLARS = {
    1: "Prosecution",
    2: "Protection/Assistance",
    3: "Prevention",
    4: "National coordination/cooperation",
    5: "International cooperation/coordination",
}

COLUMNS = {
    "O": "objectives",
    "FI": "framework_indicators",
    "IM": "implementation_measures",
    "OI": "operational_indicators",
    "RES": "resources",
}

# Acronyms as they are printed. The extraction lower-cases the small-caps capitals A C D I N O P T
# (and only those), so each acronym's damaged form is derived from its true form.
ACRONYMS = [
    "TOCC",
    "TIPP",
    "TOC",
    "TIP",
    "TiP",
    "UNODC",
    "ILO",
    "DAW/DESA",
    "DAW",
    "DESA",
    "CoE",
    "OSCE",
    "ODIHR",
    "ODHIR",
    "OSCE/ODIHR",
    "OSCE-ODHIR",
    "OSCE-ODIHR",
    "UNICEF",
    "IOM",
    "ICMPD",
    "IPU",
    "UN.GIFT",
    "UNGIFT",
    "UNHCR",
    "UNOHCHR",
    "OHCHR",
    "UN",
    "NGOs",
    "NGO",
    "HIV",
    "AIDS",
    "MLA",
    "UNTOC",
    "UNCAC",
    "ASEAN",
    "ARTIP",
    "CNAs",
    "CNA",
    "CIS",
    "INTERPOL",
    "AMERIPOL",
    "EAPCCO",
    "SADC",
    "SARPCO",
    "SARPCCO",
    "ASEANPOL",
    "COMMIT",
    "UNIAP",
    "ICAT",
    "ECOSOC",
    "UNDP",
    "UNIFEM",
    "UNESCO",
    "UNFPA",
    "WHO",
    "OAS",
    "ECOWAS",
    "ECCAS",
    "EU",
    "ICPO",
    "UNICRI",
    "UNAIDS",
    "ICRC",
    "OHCHR",
    "IT",
    "ID",
    "ILO/IPEC",
    "IPEC",
    "OCHA",
    "CEDAW",
    "CRC",
    "INSTRAW",
    "ODC",
    "SEE",
    "SECI",
    "ICCPR",
    "UNDCP",
    "ATTF",
    "IPEC",
    "ADB",
    "GRETA",
    "DCAF",
    "MoU",
    "MoUs",
    "HRC",
]

# Whole words and phrases whose capitals the small caps lost, restored everywhere. Further,
# pillar-specific restorations are ``@fix`` lines in the maps.
WORD_FIXES = [
    (r"\bprotocol(s?)\b", r"Protocol\1"),
    (r"\bconvention(s?)\b", r"Convention\1"),
    (r"\bUnited nations\b", "United Nations"),
    (r"\bcouncil of Europe\b", "Council of Europe"),
]

# Line-end hyphens that are real hyphens (``re-|trafficking``); any other is a line-break artefact.
REAL_HYPHEN_PREFIXES = {
    "re",
    "non",
    "child",
    "anti",
    "rights",
    "multi",
    "policy",
    "sub",
    "co",
    "identification",
    "prevention",
    "self",
    "cross",
    "well",
    "long",
    "short",
    "follow",
    "gender",
    "age",
    "cost",
    "evidence",
    "inter",
    "socio",
    "counter",
    "pre",
    "post",
    "ex",
    "semi",
    "mid",
    "decision",
    "community",
    "victim",
    "time",
    "country",
    "case",
    "by",
    "one",
    "low",
    "high",
    "law",
    "intra",
    "mono",
    "bi",
    "tri",
    "state",
    "non-state",
    "on",
    "up",
    "front",
    "out",
    "in",
}

# Abbreviations after which a following lower-case word is not a new sentence.
ABBREVIATIONS = ("e.g.", "i.e.", "para.", "paras.", "art.", "arts.", "etc.", "cf.", "vs.", "No.")

HEADER_LINE = re.compile(
    r"^\s*(table \d\..*|PROTOCOL|REQUIREMENTS|SPECIFIC OBJECTIVES|SPECIFIC|OBJECTIVES|FRAMEWORK|"
    r"INDICATORS|FRAMEWORK INDICATORS|\(Minimum [Ss]tandard\)|IMPLEMENTATION|MEASURES|OPERATIONAL|"
    r"OPERATIONAL INDICATORS|RESOURCES|OPERATIONAL INDICATORS RESOURCES|IMPLEMENTATION MEASURES|overview)\s*$"
)

ARTICLE_HINT = re.compile(r"\(?\s*articles?\b", re.IGNORECASE)


class MapError(ValueError):
    """A map that cannot be turned into a faithful catalogue; the message names file and line."""


@dataclass
class Item:
    column: str
    text: str
    lines: str
    band: int
    document: str | None = None


@dataclass
class Requirement:
    title: str
    articles: list[str]
    is_overview: bool
    lines: str
    items: list[Item] = field(default_factory=list)
    band: int = 1


def damaged(acronym: str) -> str:
    """The form an acronym takes in the seed after small caps lost some of its capitals."""
    return "".join(c.lower() if c in "ACDINOPT" else c for c in acronym)


_ACRONYM_TABLE = sorted(
    {damaged(a): a for a in ACRONYMS if damaged(a) != a}.items(), key=lambda kv: -len(kv[0])
)
_ACRONYM_RE = re.compile(
    r"(?<![A-Za-z])(" + "|".join(re.escape(k) for k, _ in _ACRONYM_TABLE) + r")(?![A-Za-z])"
)
_ACRONYM_MAP = dict(_ACRONYM_TABLE)
# Damaged acronyms that are also ordinary English words: restored only where they stand in capitals
# elsewhere in the same item or in a citation-like context, never blindly.
_AMBIGUOUS = {"tip", "toc", "it", "id", "who", "in", "on", "see", "Un", "oas"}


def read_seed(path: Path) -> list[str]:
    """The seed's lines, 1-based: ``lines[0]`` is an empty placeholder."""
    text = path.read_text(encoding="utf-8")
    return ["", *text.split("\n")]


def _squash(line: str) -> str:
    line = unicodedata.normalize("NFC", line).replace("\t", " ").replace("\u00a0", " ")
    return re.sub(r" {2,}", " ", line).strip()


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines into one paragraph, mending line-break hyphens."""
    out = ""
    for raw in lines:
        line = _squash(raw)
        if not line:
            continue
        if line.startswith("•"):
            out = (out + "\n" if out else "") + "• " + line.lstrip("•").strip()
            continue
        if not out:
            out = line
        elif out.endswith("/") and not out.endswith(" /"):
            out += line
        elif out.endswith("-") and not out.endswith(" -") and line[:1].isalpha():
            stem = re.findall(r"([A-Za-z]+)-$", out)
            prefix = stem[0].lower() if stem else ""
            out = out if prefix in REAL_HYPHEN_PREFIXES else out[:-1]
            out += line
        else:
            out += " " + line
    return out


def restore_case(text: str, *, sentences: bool = True) -> str:
    """Undo the small-caps damage: acronyms, instrument names, sentence starts."""

    def acronym(match: re.Match[str]) -> str:
        word = match.group(1)
        if word in _AMBIGUOUS:
            return word
        return _ACRONYM_MAP[word]

    text = _ACRONYM_RE.sub(acronym, text)
    for pattern, repl in WORD_FIXES:
        text = re.sub(pattern, repl, text)
    if not sentences:
        return text
    return "\n".join(_capitalise_sentences(line) for line in text.split("\n"))


def _capitalise_sentences(line: str) -> str:
    chars = list(line)
    start = True
    for i, c in enumerate(chars):
        if start and c.isalpha():
            chars[i] = c.upper()
            start = False
        elif start and c.isdigit():
            start = False
        if c in ".?!" and i + 1 < len(chars) and chars[i + 1] == " ":
            before = line[: i + 1]
            if not before.endswith(ABBREVIATIONS) and re.search(r"[a-z)]{2}\.$", before):
                start = True
    return "".join(chars)


def comparable(text: str) -> str:
    """Text reduced to its letters and digits, lower-cased: what 'word for word' compares."""
    return re.sub(r"[^0-9a-z]", "", unicodedata.normalize("NFKC", text).casefold())


def _check_fix(src: str, dst: str, where: str) -> None:
    if comparable(src) != comparable(dst):
        raise MapError(f"{where}: @fix may change only case, spaces and hyphens: {src!r} => {dst!r}")


def _parse_range(spec: str, where: str) -> list[tuple[int, int]]:
    pieces = []
    for part in spec.split("+"):
        part = part.strip()
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not m:
            raise MapError(f"{where}: bad line range {spec!r}")
        a = int(m.group(1))
        b = int(m.group(2)) if m.group(2) else -1
        pieces.append((a, b))
    return pieces


def _paragraph_end(seed: list[str], start: int) -> int:
    # A page's last paragraph often runs straight into the next page's running header.
    end = start
    while end + 1 < len(seed) and seed[end + 1].strip() and not HEADER_LINE.match(seed[end + 1]):
        end += 1
    return end


def _resolve(seed: list[str], pieces: list[tuple[int, int]], where: str) -> list[tuple[int, int]]:
    out = []
    for a, b in pieces:
        if a < 1 or a >= len(seed) or not seed[a].strip():
            raise MapError(f"{where}: line {a} is blank or outside the seed")
        if b == -1:
            b = _paragraph_end(seed, a)
        if b < a or b >= len(seed):
            raise MapError(f"{where}: bad range {a}-{b}")
        out.append((a, b))
    return out


def _text(seed: list[str], ranges: list[tuple[int, int]]) -> str:
    """A range's paragraphs become lines of one item; separate pieces are joined with a space."""
    parts = []
    for a, b in ranges:
        paragraphs: list[list[str]] = [[]]
        for n in range(a, b + 1):
            if seed[n].strip():
                paragraphs[-1].append(seed[n])
            elif paragraphs[-1]:
                paragraphs.append([])
        parts.append("\n".join(join_lines(p) for p in paragraphs if p))
    text = parts[0]
    for part in parts[1:]:
        text = join_lines([text, part]) if "\n" not in part else text + " " + part
    return text


def _label(ranges: list[tuple[int, int]]) -> str:
    return "+".join(f"{a}-{b}" if a != b else str(a) for a, b in ranges)


def _apply_fixes(text: str, fixes: list[list]) -> str:
    for fix in fixes:
        if fix[0] in text:
            fix[3] += 1
            text = text.replace(fix[0], fix[1])
    return text


def _split_articles(raw: str) -> list[str]:
    raw = raw.strip()
    if raw.startswith("(") and raw.endswith(")"):
        raw = raw[1:-1]
    return [a.strip() for a in raw.split(";") if a.strip()]


_KV = re.compile(r'(\w+)="([^"]*)"')


def parse_map(path: Path, seed: list[str]) -> dict:
    """One pillar's requirements and items, built from its map and the seed."""
    pillar = None
    table_range: tuple[int, int] | None = None
    covered: dict[int, str] = {}
    fixes: list[list] = []  # [from, to, where, times used]
    requirements: list[Requirement] = []

    def cover(ranges: list[tuple[int, int]], where: str) -> None:
        for a, b in ranges:
            for n in range(a, b + 1):
                if n in covered and seed[n].strip():
                    raise MapError(f"{where}: line {n} already used at {covered[n]}")
                covered[n] = where

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{path.name}:{lineno}"
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("@fix") else raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        words = line.split()
        head = words[0]
        if head == "@pillar":
            pillar = int(words[1])
        elif head == "@lines":
            ((a, b),) = _parse_range(words[1], where)
            table_range = (a, b)
        elif head == "@skip":
            cover([(a, b if b != -1 else a) for a, b in _parse_range(words[1], where)], where)
        elif head == "@fix":
            body = line.split(None, 1)[1]
            if " => " not in body:
                raise MapError(f"{where}: @fix needs 'FROM => TO'")
            src, dst = body.split(" => ", 1)
            _check_fix(src, dst, where)
            fixes.append([src, dst, where, 0])
        elif head == "@req":
            rest = line.split(None, 1)[1]
            explicit = dict(_KV.findall(rest))
            rest = _KV.sub("", rest).strip()
            overview = rest.startswith("overview")
            if overview:
                rest = rest[len("overview") :].strip()
            title_spec, _, art_spec = rest.partition("|")
            title_ranges = _resolve(seed, _parse_range(title_spec, where), where)
            art_ranges = _resolve(seed, _parse_range(art_spec, where), where) if art_spec.strip() else []
            cover(title_ranges + art_ranges, where)
            title = explicit.get("title") or _text(seed, title_ranges).replace("\n", " ")
            if "title" in explicit:
                _check_words(explicit["title"], _text(seed, title_ranges), where)
            if "articles" in explicit:
                articles = _split_articles(explicit["articles"])
            else:
                articles = _split_articles(_text(seed, art_ranges).replace("\n", " ")) if art_ranges else []
            requirements.append(
                Requirement(
                    title=_apply_fixes(restore_case(title), fixes),
                    articles=[_apply_fixes(restore_case(a, sentences=False), fixes) for a in articles],
                    is_overview=overview,
                    lines=_label(title_ranges + art_ranges),
                )
            )
        elif head == "@band":
            if not requirements:
                raise MapError(f"{where}: @band before any @req")
            requirements[-1].band += 1
        elif head in COLUMNS:
            if not requirements:
                raise MapError(f"{where}: item before any @req")
            spec, _, link = line.split(None, 1)[1].partition("->")
            ranges = _resolve(seed, _parse_range(spec, where), where)
            cover(ranges, where)
            document = None
            if head == "RES":
                link = link.strip()
                if not link:
                    raise MapError(f"{where}: a resource needs '-> KEY' or '-> none'")
                document = None if link == "none" else link
            elif link.strip():
                raise MapError(f"{where}: only resources link to documents")
            text = _apply_fixes(restore_case(_text(seed, ranges)), fixes)
            req = requirements[-1]
            req.items.append(Item(head, text, _label(ranges), req.band, document))
        else:
            raise MapError(f"{where}: unknown directive {head!r}")

    if pillar not in PILLARS:
        raise MapError(f"{path.name}: missing or bad @pillar")
    if table_range is None:
        raise MapError(f"{path.name}: missing @lines")
    missing = [
        n
        for n in range(table_range[0], table_range[1] + 1)
        if seed[n].strip() and n not in covered and not HEADER_LINE.match(seed[n])
    ]
    if missing:
        runs = _runs(missing)
        raise MapError(f"{path.name}: lines not accounted for: {runs}")
    for src, _dst, where, used in fixes:
        if not used:
            raise MapError(f"{where}: @fix {src!r} matches nothing (fixes apply to the items after them)")
    return {"number": pillar, "requirements": requirements}


def _check_words(explicit: str, source: str, where: str) -> None:
    if sorted(re.findall(r"[a-z0-9]+", explicit.casefold())) != sorted(
        re.findall(r"[a-z0-9]+", re.sub(r"\(.*?\)", "", source).casefold())
    ) and comparable(explicit) not in comparable(source):
        words_src = set(re.findall(r"[a-z0-9]+", source.casefold()))
        extra = [w for w in re.findall(r"[a-z0-9]+", explicit.casefold()) if w not in words_src]
        if extra:
            raise MapError(f"{where}: explicit text has words not in the source lines: {extra}")


def _runs(numbers: list[int]) -> str:
    runs = []
    start = prev = numbers[0]
    for n in numbers[1:]:
        if n == prev + 1:
            prev = n
            continue
        runs.append(f"{start}-{prev}" if start != prev else str(start))
        start = prev = n
    runs.append(f"{start}-{prev}" if start != prev else str(start))
    return ", ".join(runs)


def citation_note(citation: str) -> str:
    """The trailing parenthetical of a citation, e.g. '(chapter 3)'; empty if none."""
    text = citation.rstrip()
    if not text.endswith(")"):
        return ""
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            note = text[i:]
            return "" if "publish" in note.lower() else note
    return ""


def build_pillar(pillar: dict) -> dict:
    """The export shape of one pillar, with codes assigned in text order."""
    number = pillar["number"]
    requirements = []
    counter = 0
    for req in pillar["requirements"]:
        if req.is_overview:
            code = f"{number}.0"
        else:
            counter += 1
            code = f"{number}.{counter}"
        entry: dict = {
            "code": code,
            "title": req.title,
            "articles": req.articles,
            "is_overview": req.is_overview,
            "source_lines": req.lines,
        }
        for label, key in COLUMNS.items():
            items = [i for i in req.items if i.column == label]
            out = []
            for n, item in enumerate(items, start=1):
                node: dict = {"code": f"{code}.{label}{n}", "text": item.text, "band": item.band}
                if label == "OI":
                    node["answer_type"] = answer_type(item.text)
                if label == "RES":
                    node = {
                        "code": f"{code}.R{n}",
                        "citation": item.text,
                        "note": citation_note(item.text),
                        "band": item.band,
                        "document": item.document,
                    }
                node["source_lines"] = item.lines
                out.append(node)
            entry[key] = out
        requirements.append(entry)
    return {"number": number, "code": str(number), "name": PILLARS[number], "requirements": requirements}


_AMOUNT = re.compile(r"\b(budget|funds?|funding|amount|allocat\w*|spent|expenditure|cost|financial)\b", re.I)
_COUNT = re.compile(r"^(number|numbers|no\.|percentage|proportion|rate|ratio|share)\b|\bnumber of\b", re.I)
_YESNO = re.compile(
    r"\b(in place|existence|exists?|established|adopted|adoption of|evidence|availability|available|"
    r"ratif\w+|signed|appointed|designated|legislation|agreement|included in|meets regularly)\b|^no\b",
    re.I,
)
_FACT = re.compile(r"^(existence|evidence)\b|\bin place\b", re.I)


def answer_type(text: str) -> str:
    """How an operational indicator is answered, read from its wording.

    'Number of …' and percentages are counts; 'Existence of …', 'Evidence …' and '… in place'
    are yes/no with evidence (even when what exists is a budget); budgets, funds and allocations
    are amounts; other statements of fact (adopted, included, meets regularly) are yes/no; the
    rest ('Severity of sanctions', 'Type of services offered') is a narrative.
    """
    if _COUNT.search(text):
        return "count"
    if _FACT.search(text):
        return "yes_no"
    if _AMOUNT.search(text):
        return "amount"
    if _YESNO.search(text):
        return "yes_no"
    return "narrative"


def build(seed_path: Path, source_dir: Path) -> dict:
    """The whole catalogue fixture from the seed and every map and annex file in ``source_dir``."""
    seed = read_seed(seed_path)
    annex = json.loads((source_dir / "annex.json").read_text(encoding="utf-8"))
    documents = {d["key"]: d for d in annex["documents"]}
    pillars = []
    for path in sorted(source_dir.glob("pillar*.map")):
        pillar = build_pillar(parse_map(path, seed))
        for req in pillar["requirements"]:
            for res in req["resources"]:
                key = res["document"]
                if key is None:
                    continue
                if key not in documents:
                    raise MapError(f"{path.name}: {res['code']} links to unknown document {key!r}")
                doc = documents[key]
                res["document"] = {k: doc[k] for k in ("key", "organisation", "title", "year", "url")}
        pillars.append(pillar)
    numbers = [p["number"] for p in pillars]
    if numbers != sorted(PILLARS):
        raise MapError(f"maps found for pillars {numbers}, expected {sorted(PILLARS)}")
    return {
        "framework": annex["framework"],
        "pillars": pillars,
        "documents": annex["documents"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=Path, required=True)
    parser.add_argument("--source", type=Path, default=Path("fixtures/framework/source"))
    parser.add_argument("--output", type=Path)
    parser.add_argument("--pillar", type=int, help="parse one pillar map and print it")
    args = parser.parse_args(argv)
    if args.pillar:
        seed = read_seed(args.seed)
        pillar = build_pillar(parse_map(args.source / f"pillar{args.pillar}.map", seed))
        print(json.dumps(pillar, ensure_ascii=False, indent=1))
        return 0
    data = build(args.seed, args.source)
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
