"""The unit table of the metric extractor, read from ``ontology/units.ttl`` (data, not code).

Every unit the extractor recognises after a number is a ``ck:writtenForm`` of a unit
concept there; what an observation stores (``ck:unit``) is the written form when it is
also a ``skos:notation`` of the concept, else the concept's zh prefLabel (km -> 公里).
``ck:unitKind`` says what a unit measures (counts inherit "count" from ``u:count``), and
``ck:baseUnit``/``ck:conversionFactor`` say how a figure converts to the unit it is
compared in (PB -> TB). Adding a unit to units.ttl teaches the extractor: nothing here
lists a unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from citykg.errors import InputError
from citykg.namespaces import CK_IRI
from citykg.paths import ontology_dir

_SKOS = "http://www.w3.org/2004/02/skos/core#"
COUNT_KIND = "count"
RANK_KIND = "rank"


class UnitDataError(InputError):
    """units.ttl is missing or malformed (the message names the file)."""


@dataclass
class Unit:
    """One unit concept of units.ttl, as the extractor needs it."""

    iri: str
    label: str = ""  # zh prefLabel
    notations: list[str] = field(default_factory=list)
    kind: str = ""
    base: str = ""  # IRI of the unit it is compared in ("" = itself)
    factor: Decimal = Decimal(1)
    code: str | None = None  # UCUM
    broader: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ComparableTerms:
    """What an observation says about comparing it: the count's measure word (None for a
    physical unit), the unit concept it compares in and its value there."""

    measure_word: str | None
    unit_iri: str
    value: Decimal


@dataclass
class UnitTable:
    """Written forms -> stored unit strings, and stored strings -> unit concepts."""

    units: dict[str, Unit]  # by IRI
    written: dict[str, str]  # form as printed -> ck:unit string
    nouns: frozenset[str]  # written forms that are the counted noun (部门)
    per: tuple[str, ...]  # forms read after "/" (longest first)
    by_stored: dict[str, Unit]  # ck:unit string -> unit concept

    def unit_of(self, stored: str) -> Unit | None:
        """The concept of a ck:unit string ("元/年" -> the 元 concept when 元/年 is not one)."""
        unit = self.by_stored.get(stored)
        if unit is None and "/" in stored:
            unit = self.by_stored.get(stored.partition("/")[0])
        return unit

    def kind(self, stored: str) -> str:
        """What a ck:unit string measures; unknown strings count as counts, like measure words.

        >>> t = default_units()
        >>> t.kind("座"), t.kind("PB"), t.kind("元/年"), t.kind("公里")
        ('count', 'storage', 'money', 'length')
        """
        unit = self.unit_of(stored)
        return unit.kind if unit is not None and unit.kind else COUNT_KIND

    def written_of_kind(self, *kinds: str) -> frozenset[str]:
        """Every written form whose unit is of one of ``kinds``."""
        return frozenset(w for w, s in self.written.items() if self.kind(s) in kinds)

    def comparable(self, stored: str, value: Decimal) -> tuple[Unit, Decimal] | None:
        """The unit a figure is compared in and its value there (rates keep their own unit).

        >>> t = default_units()
        >>> [(u.label, str(v)) for u, v in (t.comparable("PB", Decimal(2)), t.comparable("处", Decimal(9)))]
        [('TB', '2000'), ('计数', '9')]
        """
        unit = self.by_stored.get(stored)
        if unit is None:
            return None
        base = self.units.get(unit.base) if unit.base else None
        if base is not None:
            return base, value * unit.factor
        if unit.kind == COUNT_KIND:
            top = next(
                (self.units[b] for b in unit.broader if b in self.units and not self.units[b].broader), None
            )
            return (top or unit), value
        return unit, value

    def comparable_terms(self, stored: str, value: Decimal, ranking: bool = False) -> ComparableTerms | None:
        """The comparison terms of a figure: ranks compare on the rank unit, counts on the count
        unit (keeping their measure word), physical units on their base unit.

        >>> t = default_units()
        >>> t.comparable_terms("座", Decimal(8894)).measure_word, t.comparable_terms("PB", Decimal(2)).value
        ('座', Decimal('2000'))
        """
        if ranking:
            rank = next((u for u in self.units.values() if u.kind == RANK_KIND), None)
            return ComparableTerms(None, rank.iri, value) if rank is not None else None
        found = self.comparable(stored, value)
        if found is None:
            return None
        word = stored if self.kind(stored) == COUNT_KIND else None
        return ComparableTerms(word, found[0].iri, found[1])


def _value(term: ox.Term) -> str:
    return term.value if isinstance(term, ox.Literal | ox.NamedNode) else ""


def _read(path: Path) -> tuple[dict[str, Unit], ox.Store]:
    store = ox.Store()
    try:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    except (OSError, SyntaxError, ValueError) as exc:
        raise UnitDataError(f"{path}: cannot read the unit table ({exc})") from exc
    units: dict[str, Unit] = {}

    def each(pred: str):
        for q in store.quads_for_pattern(None, ox.NamedNode(pred), None):
            yield units.setdefault(q.subject.value, Unit(q.subject.value)), q.object

    for u, o in each(_SKOS + "prefLabel"):
        if isinstance(o, ox.Literal) and (o.language or "").startswith("zh"):
            u.label = o.value
    for u, o in each(_SKOS + "notation"):
        u.notations.append(o.value)
    for u, o in each(_SKOS + "broader"):
        u.broader.append(_value(o))
    for u, o in each(CK_IRI + "unitKind"):
        u.kind = o.value
    for u, o in each(CK_IRI + "unitCode"):
        u.code = o.value
    for u, o in each(CK_IRI + "baseUnit"):
        u.base = _value(o)
    for u, o in each(CK_IRI + "conversionFactor"):
        u.factor = Decimal(o.value)
    for u in units.values():  # counts inherit their kind from u:count
        seen = {u.iri}
        parent = u
        while not u.kind and parent.broader and parent.broader[0] not in seen:
            seen.add(parent.broader[0])
            parent = units.get(parent.broader[0], Unit(""))
            u.kind = parent.kind
    return units, store


def _stored(unit: Unit) -> str:
    """The ck:unit string of a unit: its zh prefLabel when that is a notation (公里), else a notation."""
    if unit.label in unit.notations or not unit.notations:
        return unit.label
    return min(unit.notations, key=lambda n: (len(n), n))


@lru_cache(maxsize=4)
def load_units(path: Path | None = None) -> UnitTable:
    """The unit table of ``path`` (default: the bundled ``ontology/units.ttl``)."""
    path = path or ontology_dir() / "units.ttl"
    units, store = _read(path)
    written: dict[str, str] = {}
    nouns: set[str] = set()
    per: set[str] = set()
    for pred, into in (("writtenForm", None), ("nounForm", nouns), ("perForm", per)):
        for q in store.quads_for_pattern(None, ox.NamedNode(CK_IRI + pred), None):
            unit, form = units[q.subject.value], q.object.value
            if into is per:
                per.add(form)
                continue
            written[form] = form if form in unit.notations else _stored(unit)
            if into is nouns:
                nouns.add(form)
    by_stored = {n: u for u in units.values() for n in u.notations}
    return UnitTable(units, written, frozenset(nouns), tuple(sorted(per, key=len, reverse=True)), by_stored)


def default_units() -> UnitTable:
    """The table of the bundled units.ttl (loaded once)."""
    return load_units(None)
