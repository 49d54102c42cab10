"""The stage and driver cue words, read from ``ontology/schemes/stages.ttl`` (data, not code).

A ``Scheme`` holds the concepts of one scheme in notation order with a compiled
alternation of each concept's ``ck:cue`` words, so the detector runs one regex
search per concept and clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import SKOS

from citykg.namespaces import CK, SCHEME_DRIVERS, SCHEME_STAGES
from citykg.paths import ontology_dir

STAGES_FILE = "schemes/stages.ttl"


@dataclass(frozen=True)
class Cued:
    """One concept of a cue scheme: IRI, slug, order, labels, its cue pattern (None: no cues) and weak cues."""

    iri: str
    slug: str
    order: int
    label_zh: str
    label_en: str
    pattern: re.Pattern[str] | None = field(default=None, compare=False)
    weak: re.Pattern[str] | None = field(default=None, compare=False)  # skos:hiddenLabel cues


@dataclass(frozen=True)
class Scheme:
    concepts: tuple[Cued, ...]

    def by_slug(self, slug: str) -> Cued:
        for c in self.concepts:
            if c.slug == slug:
                return c
        raise KeyError(slug)

    def by_iri(self) -> dict[str, Cued]:
        return {c.iri: c for c in self.concepts}


def _label(g: Graph, c: object, lang: str) -> str:
    for lab in g.objects(c, SKOS.prefLabel):  # type: ignore[arg-type]
        if isinstance(lab, Literal) and lab.language == lang:
            return str(lab)
    return ""


def _alternation(words: set[str]) -> re.Pattern[str] | None:
    """One regex of the words, longest first (None for no words)."""
    ordered = sorted(words, key=lambda w: (-len(w), w))
    return re.compile("|".join(re.escape(w) for w in ordered)) if ordered else None


def _scheme(g: Graph, scheme: object) -> Scheme:
    out = []
    for c in g.subjects(SKOS.inScheme, scheme):  # type: ignore[arg-type]
        strong = _alternation({str(x) for x in g.objects(c, CK.cue)})
        weak = _alternation({str(x) for x in g.objects(c, SKOS.hiddenLabel)})
        notation = g.value(c, SKOS.notation)
        out.append(Cued(str(c), str(c).rsplit("/", 1)[-1], int(str(notation or 0)),
                        _label(g, c, "zh"), _label(g, c, "en"), strong, weak))  # fmt: skip
    return Scheme(tuple(sorted(out, key=lambda c: (c.order, c.slug))))


@cache
def load(path: Path | None = None) -> tuple[Scheme, Scheme]:
    """(stages, drivers) of the stages scheme file (parsed once per process)."""
    g = Graph().parse(path or ontology_dir() / STAGES_FILE, format="turtle")
    return _scheme(g, SCHEME_STAGES), _scheme(g, SCHEME_DRIVERS)
