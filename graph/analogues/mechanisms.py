"""What an initiative does, read from its own sentences, and how strong its evidence is.

Cities name one practice in their own words: 亲清在线, 甬易办 and 惠企通 are all
platforms that pay out enterprise policies, but nothing in those names says so;
their sentences do (兑现惠企资金, 惠企服务平台). So an initiative whose name names
no concept is described by what the words right around its name say it does:

- the *segment* of each evidence sentence that belongs to it: from the end of the
  previous other initiative named in that sentence to the end of the next one
  (杭州城市大脑为「杭州健康码」和「亲清在线」… : the health code's segment does not
  reach the words about 亲清在线's payments, and vice versa);
- in it, the cue words of the mechanism facets (``ontology/schemes/facets.ttl``,
  kind ``mechanism``, each skos:closeMatch a reform concept). Names of other reforms
  in the segment are not read: 青岛's video-sharing platform is named next to its
  一网统管 as a part of it, not as another 一网统管 (that misled on the seeds).

These are the item's ``does`` concepts, scored against the other side's concepts
and ``does`` (``WEIGHTS["same_mechanism"]``). Items with a curated concept of
their own are described by it: a sentence that lists five reforms around 一网通办
does not make 一网通办 do all five. A concept minted from the item's own name
(``ck:curated false``: 材料免带, 惠民快享) says nothing the name does not, so such
items are read like items without one.

``strength`` ranks pairs of equal kind by how strong each side's own evidence
is: whether it states its concept directly, whether it reports the thing done or
only planned (facets of kind ``status``), how recent the article is, and how many
sentences support it (named weights in ``analogues.score``).
"""

from __future__ import annotations

import re
from collections import defaultdict

from citykg.graph.analogues.data import AnalogueInput, Item
from citykg.graph.analogues.score import (
    MAX_SENTENCES,
    RECENT_FROM,
    RECENT_SPAN,
    STRENGTH_DIRECT,
    STRENGTH_DONE,
    STRENGTH_RECENT,
    STRENGTH_SENTENCE,
)
from citykg.graph.analogues.text import FacetMatcher, match_key
from citykg.graph.records import EntityClass
from citykg.namespaces import SCHEME_REFORMS

#: classes described by their sentences at all: not awards and documents (known by their names),
#: not projects (智慧蓉城 lists the reforms it bundles; it does not do each of them)
DESCRIBED = (EntityClass.Platform, EntityClass.Reform)


def segments(quote: str, own: str, others: list[str]) -> list[str]:
    """The parts of ``quote`` (folded) that speak of the initiative named ``own``.

    From the end of the previous other name to the end of the next one, for each
    place ``own`` occurs; the whole quote when ``own`` does not occur in it.

    >>> segments("甲为乙和丙提供支撑丙兑现资金", "乙", ["甲", "丙"])
    ['为乙和丙']
    >>> segments("丁上线惠企政策", "丁", [])
    ['丁上线惠企政策']
    """
    if not own or own not in quote:
        return [quote]
    spans = sorted(
        (m.start(), m.end()) for o in others if o and o != own and o not in own for m in re.finditer(re.escape(o), quote)
    )
    out = []
    for m in re.finditer(re.escape(own), quote):
        start = max((e for s, e in spans if e <= m.start()), default=0)
        end = min((e for s, e in spans if s >= m.end()), default=len(quote))
        out.append(quote[start:end])
    return out


class Reader:
    """Reads ``does`` and ``strength`` of the items of one dataset (see the module doc)."""

    KINDS = ("mechanism", "status")  # facet kinds read here, not as context facets

    def __init__(self, data: AnalogueInput) -> None:
        self.data = data
        reform = str(SCHEME_REFORMS)
        mech = {i: f for i, f in data.facets.items() if f.kind == "mechanism"}
        self.mechanism = FacetMatcher.from_labels(mech, {k: v for k, v in data.facet_labels.items() if k in mech})
        status = {i: f for i, f in data.facets.items() if f.kind == "status"}
        self.status = FacetMatcher.from_labels(status, {k: v for k, v in data.facet_labels.items() if k in status})
        self.facet_concepts = {
            f: sorted(c for c in data.concepts[f].links.get("close", ()) if data.concepts[c].scheme == reform)
            for f in mech
            if f in data.concepts
        }
        self._status: dict[str, set[str]] = {}  # folded text -> the status facets found in it
        self.labels_in: dict[str, list[str]] = defaultdict(list)  # file -> folded names of its items
        for it in data.items:
            for f in it.files:
                self.labels_in[f].append(match_key(it.label))

    def does(self, item: Item) -> dict[str, str]:
        """Concept -> the cue word that says the item does it (empty for items with a concept)."""
        known = self.data.concepts
        if any(known[c].curated for c in item.concepts if c in known) or item.cls not in DESCRIBED:
            return {}  # a curated concept says what it is; a minted one only repeats its name
        if self.mechanism.pattern is None:
            return {}
        if not any(self.mechanism.pattern.search(match_key(q)) for q in item.quotes):
            return {}  # no cue anywhere in its sentences: no segments to cut
        own = match_key(item.label)
        found: dict[str, str] = {}
        for q in item.quotes:
            others = self.labels_in.get(item.quote_files.get(q, ""), [])
            for seg in segments(match_key(q), own, others):
                for facet, cue in sorted(self.mechanism.find(seg).items()):
                    for c in self.facet_concepts.get(facet, ()):
                        found.setdefault(c, cue)
        return dict(sorted(found.items()))

    def strength(self, item: Item, exact: bool, folded: str | None = None) -> float:
        """How strong the item's own evidence is, in logit units (``STRENGTH_*`` weights);
        ``folded``: ``match_key`` of its sentences joined, when the caller has it."""
        text = match_key("".join(item.quotes)) if folded is None else folded
        direct = exact or any(
            n in text for c in item.concepts if c in self.data.concepts for n in self.data.concepts[c].names if n
        )
        kinds = self._status.get(text)
        if kinds is None:  # articles repeat sentences: each text is matched once
            kinds = self._status[text] = {self.data.facets[f].iri.rsplit("/", 1)[-1] for f in self.status.find(text)}
        done = ("done" in kinds) - ("planned" in kinds)
        year = max((self.data.documents[f].year for f in item.files if f in self.data.documents), default=0.0)
        recent = min(max((year - RECENT_FROM) / RECENT_SPAN, 0.0), 1.0) if year else 0.0
        extra = min(max(len(item.quotes) - 1, 0), MAX_SENTENCES)
        return STRENGTH_DIRECT * direct + STRENGTH_DONE * done + STRENGTH_RECENT * recent + STRENGTH_SENTENCE * extra
