"""The adoption ledger: every ``ck:Adoption`` of a build, per city and reform concept.

``load_events(select)`` reads the events (``select`` is any function that runs a SPARQL
SELECT and returns rows as dicts of strings, e.g. ``QueryStore.select``); ``ledger``
folds them per city and concept into the first and latest evidence, ``for_city`` lists a
city's reforms in time order. No click here: the CLI and the views format the rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from citykg.graph.ingest.dates import year_of

Select = Callable[[str], list[dict[str, str | None]]]
#: the first stage that counts as adoption (skos:notation): piloting is adoption, planning is not
ADOPTED_FROM_ORDER = 2

EVENTS = """
SELECT ?a ?city ?cityLabel ?code ?prov ?provLabel ?concept ?conceptLabel ?stage ?order ?driver
       ?date ?ub ?quote ?file ?start WHERE {
  ?a a ck:Adoption ; ck:adopter ?city ; ck:adoptedConcept ?concept ; ck:stage ?stage ; ck:drivenBy ?driver ;
     ck:evidence ?ev .
  ?ev ck:quote ?quote ; ck:charStart ?start ; ck:inDocument/ck:fileName ?file .
  ?stage skos:notation ?order .
  OPTIONAL { ?a ck:eventDate ?date } OPTIONAL { ?a ck:dateIsUpperBound ?ub }
  OPTIONAL { ?city rdfs:label ?cityLabel } OPTIONAL { ?city ck:adcode ?code }
  OPTIONAL { ?city ck:partOf ?prov . ?prov a ck:Province ; rdfs:label ?provLabel }
  OPTIONAL { ?concept skos:prefLabel ?conceptLabel FILTER(LANGMATCHES(LANG(?conceptLabel), "zh")) }
}"""


@dataclass
class Event:
    """One adoption event (one sentence) with what the ledger shows of it."""

    iri: str
    city: str
    city_label: str
    adcode: str
    province: str  # label; a municipality is its own province
    concept: str
    concept_label: str
    stage: str  # slug of the stage concept (planned, piloted, ...)
    order: int
    driver: str  # slug of the driver concept (national, provincial, local)
    date: str  # ISO lexical form ("" when neither the sentence nor the article gives one)
    upper_bound: bool
    quote: str
    file: str
    start: int = 0

    @property
    def adopted(self) -> bool:
        return self.order >= ADOPTED_FROM_ORDER

    @property
    def year(self) -> int | None:
        return year_of(self.date)

    def key(self) -> tuple[str, int, str, int]:
        """Time order: date (undated last), then stage order, then file and offset."""
        return (self.date or "9999", self.order, self.file, self.start)


def _slug(iri: str | None) -> str:
    return (iri or "").rsplit("/", 1)[-1]


def load_events(select: Select) -> list[Event]:
    """Every adoption event of the store, one per event IRI (its first evidence), in time order."""
    out: dict[str, Event] = {}
    for r in select(EVENTS):
        iri = r["a"] or ""
        start = int(r["start"] or 0)
        if iri in out and out[iri].start <= start:
            continue
        out[iri] = Event(
            iri=iri, city=r["city"] or "", city_label=r["cityLabel"] or "", adcode=r["code"] or "",
            province=r["provLabel"] or (r["cityLabel"] or "" if not r["prov"] else ""),
            concept=r["concept"] or "", concept_label=r["conceptLabel"] or _slug(r["concept"]),
            stage=_slug(r["stage"]), order=int(r["order"] or 0), driver=_slug(r["driver"]),
            date=r["date"] or "", upper_bound=(r["ub"] or "") == "true", quote=r["quote"] or "",
            file=r["file"] or "", start=start,
        )  # fmt: skip
    return sorted(out.values(), key=lambda e: (e.key(), e.iri))


@dataclass
class Entry:
    """One city and concept: its events in time order and what the ledger prints."""

    events: list[Event] = field(default_factory=list)

    @property
    def first(self) -> Event:
        return self.events[0]

    @property
    def latest(self) -> Event:
        """The latest evidence: latest date, and at one date the highest stage."""
        return max(self.events, key=lambda e: (e.date or "", e.order))

    @property
    def adoption(self) -> Event | None:
        """The first event at an adopting stage (piloted or later), else None (planned only)."""
        return next((e for e in self.events if e.adopted), None)

    def row(self) -> dict[str, object]:
        f, last, adopt = self.first, self.latest, self.adoption
        return {
            "city": f.city_label, "adcode": f.adcode, "province": f.province, "concept": f.concept_label,
            "first_stage": f.stage, "first_date": f.date, "first_date_is_upper_bound": f.upper_bound,
            "adopted_date": adopt.date if adopt else "", "latest_stage": last.stage, "latest_date": last.date,
            "driven_by": _driver(self.events), "evidence": len(self.events), "quote": f.quote, "file": f.file,
        }  # fmt: skip


def _driver(events: Iterable[Event]) -> str:
    """The highest level named in any of the events (national over provincial over local)."""
    drivers = {e.driver for e in events}
    return next((d for d in ("national", "provincial") if d in drivers), "local")


def entries(events: Iterable[Event]) -> dict[tuple[str, str], Entry]:
    """(city IRI, concept IRI) -> its entry, events in time order."""
    out: dict[tuple[str, str], Entry] = defaultdict(Entry)
    for e in sorted(events, key=lambda e: (e.key(), e.iri)):
        out[(e.city, e.concept)].events.append(e)
    return dict(out)


LEDGER_COLUMNS = ["city", "province", "first_stage", "first_date", "adopted_date", "latest_stage",
                  "latest_date", "driven_by", "evidence", "quote", "file"]  # fmt: skip
CITY_COLUMNS = ["concept", "first_stage", "first_date", "adopted_date", "latest_stage", "latest_date",
                "driven_by", "evidence", "quote", "file"]  # fmt: skip


def ledger(events: Iterable[Event], concept: str) -> list[dict[str, object]]:
    """The ledger of one concept: one row per city, earliest first evidence first."""
    rows = [en for (_, c), en in entries(events).items() if c == concept]
    return [en.row() for en in sorted(rows, key=lambda en: (en.first.key(), en.first.city_label))]


def for_city(events: Iterable[Event], city: str) -> list[dict[str, object]]:
    """A city's reforms in time order of their first evidence."""
    rows = [en for (c, _), en in entries(events).items() if c == city]
    return [en.row() for en in sorted(rows, key=lambda en: (en.first.key(), en.first.concept_label))]
