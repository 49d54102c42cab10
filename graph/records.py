"""The records that flow between the stages of graph building.

ingest -> ``Document``; places/entities/metrics -> ``Extraction``; rdfize turns an
``Extraction`` into the quads of one named graph. Offsets are always character
offsets into ``Document.text`` (the normalised text), end exclusive.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any


class EntityClass(StrEnum):
    """The six classes of named entity (``ck:`` class local names; str-valued, so records serialise as before).

    >>> EntityClass("Reform") == "Reform", f"ck:{EntityClass.PolicyDocument}"
    (True, 'ck:PolicyDocument')
    """

    Reform = "Reform"
    Platform = "Platform"
    Project = "Project"
    PolicyDocument = "PolicyDocument"
    Organization = "Organization"
    Award = "Award"


class Qualifier(StrEnum):
    """How a figure is stated: exactly, approximately, as a bound or as a range (``ck:qualifier``)."""

    exact = "exact"
    approx = "approx"
    at_least = "at_least"
    more_than = "more_than"
    less_than = "less_than"
    at_most = "at_most"
    range = "range"


class ChangeRole(StrEnum):
    """The side of a stated change (从 A 增至 B): the figure before or after (``ck:changeRole``)."""

    before = "before"
    after = "after"


#: The entity classes in their canonical order (the one definition; import it, do not spell it out).
ENTITY_CLASSES: tuple[str, ...] = tuple(c.value for c in EntityClass)
QUALIFIERS: tuple[str, ...] = tuple(q.value for q in Qualifier)
CHANGE_ROLES: tuple[str, ...] = tuple(r.value for r in ChangeRole)


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass
class Document:
    """One ingested article: normalised text, sentences and metadata."""

    file_name: str
    text: str
    sentences: list[Sentence]
    content_hash: str
    path: Path | None = None
    title: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd (or yyyy-mm / yyyy) when known
    outlet: str | None = None
    url: str | None = None
    city_hint: str | None = None  # a city named by metadata (manifest / front matter)
    warnings: list[str] = field(default_factory=list)

    def sentence_at(self, offset: int) -> Sentence:
        """The sentence containing character ``offset``."""
        lo, hi = 0, len(self.sentences) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            s = self.sentences[mid]
            if offset < s.start:
                hi = mid - 1
            elif offset >= s.end:
                lo = mid + 1
            else:
                return s
        raise ValueError(f"offset {offset} is outside every sentence of {self.file_name}")


@dataclass(frozen=True)
class Mention:
    """A span of the normalised document text."""

    text: str
    start: int
    end: int
    sentence: int  # Sentence.index


@dataclass
class AreaMention:
    adcode: str
    mention: Mention


@dataclass
class EntityRecord:
    cls: str  # an EntityClass value
    label: str  # as the article writes it (Simplified, quotes removed)
    mentions: list[Mention]
    concept: str | None = None  # IRI of the skos:Concept it realizes (curated or new)
    concept_label: str | None = None
    new_concept: bool = False  # True: the concept is minted from this label, uncurated
    domain: str | None = None  # IRI of a concept of the domain scheme
    city: str | None = None  # adcode of the ck:City
    area: str | None = None  # adcode of a county/district named with it
    run_by: list[str] = field(default_factory=list)  # labels of Organization records


@dataclass
class ObservationRecord:
    indicator: str | None  # IRI of the indicator concept (curated or new)
    indicator_label: str  # the indicator's label (prefLabel for a curated one)
    value: Decimal  # base units: 17.46亿条 -> 1746000000
    unit: str
    qualifier: str  # a Qualifier value
    mention: Mention  # the number expression as written (raw)
    value_max: Decimal | None = None  # upper bound of a range
    as_of: str | None = None  # xsd:date / gYearMonth / gYear lexical form
    as_of_text: str | None = None  # the time expression as written (今年以来)
    kind: str = "value"  # "value" | "rank"
    change_role: str | None = None  # None or a ChangeRole value
    target: bool = False  # a planned figure (到2025年达到...)
    refers_to: str | None = None  # label of an EntityRecord it measures; None: the city
    new_indicator: bool = False


@dataclass
class Extraction:
    document: Document
    city: str | None  # adcode of the city the article is about
    areas: list[AreaMention] = field(default_factory=list)
    entities: list[EntityRecord] = field(default_factory=list)
    observations: list[ObservationRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON form for ``citykg extract --json`` (Decimals as strings)."""

        def default(obj: Any) -> Any:
            if isinstance(obj, Decimal):
                return format(obj, "f")
            if isinstance(obj, Path):
                return str(obj)
            return obj

        raw = asdict(self)
        raw["document"].pop("sentences", None)
        raw["document"].pop("text", None)
        return _walk(raw, default)


def _walk(obj: Any, fn: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _walk(v, fn) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_walk(v, fn) for v in obj]
    return fn(obj)
