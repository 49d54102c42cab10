"""Cross-city policy analogues: scored, explained, materialised as ck:Analogy.

For every pair of initiatives in *different* cities that a blocking step puts
forward (``analogue_blocking``: shared or linked concept, a shared rare name
n-gram, a shared rare context n-gram), six kinds of evidence are measured, and
they are the ``ck:basisKind`` codes of the result:

- ``same_concept``    both ck:realizes the same concept of the reform scheme;
- ``related_concept`` their concepts are linked in the schemes (skos:closeMatch /
  exactMatch, related, broader/narrower);
- ``similar_name``    TF-IDF cosine of char 2-3-grams of the names with place names
  removed (威海市城市运行管理服务平台 -> 城市运行管理服务平台), plus containment;
- ``similar_context`` TF-IDF cosine of the evidence sentences around the mentions
  and the overlap of context facets (ontology/schemes/facets.ttl: target group,
  service object, data source, outcome);
- ``same_domain``, ``same_indicator``.

They are combined by a logistic function with hand-set weights
(``analogue_score.WEIGHTS``), so a score is a probability-like number in [0, 1].
Pulling it down: a generic building block (电子证照, 5G基站: the ``component``
facets), a class mismatch (an Award vs a Reform), provincial lists of two
provinces, two different instances of one programme (就医付费一件事 vs
花卉产业一件事), a fragment of a fuller name of the same thing in its own city,
one higher-level document cited in two cities (``analogue_rules``), and a better
counterpart of the same kind in the other city. Initiatives the extraction
linked to no concept get the concepts their names name (``analogue_rules``).
The build keeps each item's ``TOP_PER_ITEM`` best analogues (ties included, never more
than ``MAX_PER_ITEM``: ``analogue_score.cap_pairs``), so the graph grows linearly;
``Finder.analogies(top=None, only=...)`` gives the full list of some items on demand.

Default threshold (also the materialisation threshold): ``DEFAULT_THRESHOLD`` =
0.5. On the development gold (5 seed articles, 41 high/medium pairs; score.py)
it gives recall 0.878 / precision 0.554 on the real build of the seeds (21 Nov
2026), where precision counts only the development copy of the gold pairs;
judged by the gold's stated principles (its held-back same-concept mechanisms)
higher. Unseen articles (bench/heldout) built with the seeds: 77 of 79 seed
reforms they also run are linked. Recall is flat from 0.3 to 0.5 and drops above it.
Details, the threshold table and the list of misses: docs/analogues.md.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace
from itertools import chain

import pyoxigraph as ox

from citykg.graph.analogue_blocking import CONTEXT_TERMS, BlockItem, candidate_pairs
from citykg.graph.analogue_data import AnalogueInput, ConceptInfo, Item, load_input
from citykg.graph.analogue_explain import Analogy, explain, quads_for
from citykg.graph.analogue_rules import fragments, read_name_concepts, shared_document
from citykg.graph.analogue_score import (
    BIAS,
    CONTEXT_KEEP,
    DEFAULT_THRESHOLD,
    GAP_CAP,
    GAP_MARGIN,
    GENERIC_HEADS,
    MAX_PER_ITEM,
    PROVINCIAL_WORDS,
    SEPARATE_CLASSES,
    TOP_PER_ITEM,
    WEIGHTS,
    Features,
    cap_pairs,
    logit,
    sigmoid,
)
from citykg.graph.analogue_text import (
    FacetMatcher,
    TfIdf,
    Vector,
    aligned,
    char_ngrams,
    contains_ratio,
    cosine,
    fold,
    place_pattern,
    strip_places,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "MAX_PER_ITEM",
    "TOP_PER_ITEM",
    "WEIGHTS",
    "Analogy",
    "Features",
    "Finder",
    "analogy_quads",
    "find_analogues",
]


@dataclass
class _Prepared:
    key: str
    name_vec: Vector
    ctx_vec: Vector
    facets: dict[str, str]
    facet_vec: Vector
    expanded: dict[str, tuple[str, str]]  # linked concept -> (own concept, link kind)
    component: bool
    provincial: bool
    names: frozenset[str]  # folded label and name key, to compare with concept labels
    specifics: str  # what the name adds to its concept: 就医付费一件事 -> 就医付费
    fragment: bool = False  # its city also names the same thing in full (``analogue_rules.fragments``)
    exact: frozenset[str] = frozenset()  # its concepts of which its name is a label (pref/alt)


class Finder:
    """Prepares vectors once, then scores any pair of items of one dataset."""

    def __init__(self, data: AnalogueInput) -> None:
        self.data = data
        self.items = data.items
        self.concepts: dict[str, ConceptInfo] = data.concepts
        self.matcher = FacetMatcher.from_labels(data.facets, data.facet_labels)
        components = {
            fold(lab)
            for iri, labs in data.facet_labels.items()
            if data.facets[iri].kind == "component"
            for lab in labs
        }
        everywhere = place_pattern(tuple(data.all_place_names))  # compiled once, not per city
        keys = [
            strip_places(fold(it.label), place_pattern(tuple(data.place_names.get(it.city, ()))), everywhere)
            for it in self.items
        ]
        read_name_concepts(self.items, keys, self.concepts)
        # names and contexts repeat from city to city: each distinct text is cut into n-grams
        # and vectorised once, and its items share the vector (IDF still counts every item)
        ctx_texts = [self._context_text(it) for it in self.items]
        self.name_model = TfIdf.fit_counts((char_ngrams(k), n) for k, n in Counter(keys).items())
        self.ctx_model = TfIdf.fit_counts((char_ngrams(t, (2,)), n) for t, n in Counter(ctx_texts).items())
        shared_facets: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
        found = []
        for it in self.items:
            hits = self.matcher.find(it.label + "。" + "".join(it.quotes)).items()
            facets = {iri: cue for iri, cue in hits if data.facets[iri].kind != "component"}
            found.append(shared_facets.setdefault(tuple(sorted(facets.items())), facets))
        self.facet_model = TfIdf.fit(Counter(list(f)) for f in found)  # common facets (居民) weigh less
        name_vecs: dict[str, Vector] = {}
        ctx_vecs: dict[str, Vector] = {}
        facet_vecs: dict[int, Vector] = {}
        self._texts: list[str] = []  # the context text of each item (part of its profile)
        self.prep: list[_Prepared] = []
        for it, key, text, facets in zip(self.items, keys, ctx_texts, found, strict=True):
            if key not in name_vecs:
                name_vecs[key] = self.name_model.vector(char_ngrams(key))
            if text not in ctx_vecs:
                ctx_vecs[text] = self.ctx_model.vector(char_ngrams(text, (2,)), keep=CONTEXT_KEEP)
            if id(facets) not in facet_vecs:
                facet_vecs[id(facets)] = self.facet_model.vector(Counter(list(facets)))
            self.prep.append(
                _Prepared(
                    key=key,
                    name_vec=name_vecs[key],
                    ctx_vec=ctx_vecs[text],
                    facets=facets,
                    facet_vec=facet_vecs[id(facets)],
                    expanded=self._expand(it.concepts),
                    component=key in components,
                    provincial=self._provincial(it.label),
                    names=frozenset({fold(it.label), key}),
                    specifics=self._specifics(it, key),
                )
            )
            self._texts.append(text)
        for n in fragments(self.items, keys):
            self.prep[n].fragment = True
        for it, p in zip(self.items, self.prep, strict=True):
            p.exact = frozenset(
                c for c in it.concepts if c in self.concepts and p.names & self.concepts[c].names
            )
        self._aligned: dict[tuple[str, str], float] = {}
        self._profiles()

    def _profiles(self) -> None:
        """Number the items by everything ``quick_logit`` reads except their city and province.

        Initiatives repeat from city to city (一网通办 in hundreds of articles, often in
        the same sentence), so a pair of profiles already scored is looked up, not
        scored again; profiles held by one item only are not memoised (no gain).
        """
        ids: dict[tuple[object, ...], int] = {}
        self.profile: list[int] = []
        for n, (it, p) in enumerate(zip(self.items, self.prep, strict=True)):
            sig = (
                it.cls,
                frozenset(it.concepts),
                p.exact,
                frozenset(it.domains),
                frozenset(it.indicators),
                p.key,
                self._texts[n],  # the context vector is a function of it
                tuple(sorted(p.facets)),  # the facet vector too
                p.component,
                p.provincial,
                p.specifics,
                p.fragment,
                fold(it.label) == p.key,
            )
            self.profile.append(ids.setdefault(sig, len(ids)))
        del self._texts
        count = Counter(self.profile)
        self._shared = [count[x] > 1 for x in self.profile]
        self._memo: dict[tuple[int, int], float] = {}
        self._memo_features: dict[tuple[int, int], Features] = {}

    def _provincial(self, label: str) -> bool:
        """Does the name say it is a provincial list/platform (省级…, 全省…, 吉林省…)?

        Such a thing is the same programme only within one province (gold notes:
        provincial industrial-internet lists of different provinces are not analogues).
        """
        text = fold(label)
        return (
            text.startswith("省")
            or any(w in text for w in PROVINCIAL_WORDS)
            or any(fold(p) in text for p in self.data.province_names)
        )

    def _specifics(self, item: Item, key: str) -> str:
        """The name key minus the longest label of its concept and generic words.

        Empty when the name is the concept itself (智慧社区, 城市生命线工程, 城市数智中心云底座平台:
        a 云底座平台 with generic words around it) or contains none of its labels. Two different non-empty specifics mark two different
        instances of one programme: 就医付费一件事 vs 花卉产业一件事.
        """
        labels = [lab for c in item.concepts if c in self.concepts for lab in self.concepts[c].cues if lab]
        hits = [lab for lab in labels if lab in key]
        if not hits:
            return ""
        rest = key.replace(max(hits, key=lambda x: (len(x), x)), "")
        for word in GENERIC_HEADS:
            rest = rest.replace(word, "")
        return rest if len(rest) >= 2 else ""

    def _context_text(self, item: Item) -> str:
        names = [item.label, *self.data.place_names.get(item.city, ())]
        text = fold("".join(item.quotes))
        for n in sorted({fold(x) for x in names if x}, key=len, reverse=True):
            text = text.replace(n, "")
        return text

    def _expand(self, own: set[str]) -> dict[str, tuple[str, str]]:
        out: dict[str, tuple[str, str]] = {}
        for c in sorted(own):
            info = self.concepts.get(c)
            if info is None:
                continue
            for kind in ("close", "related", "broader", "narrower"):
                for d in sorted(info.links.get(kind, ())):
                    if d not in own:
                        out.setdefault(d, (c, kind))
        return out

    # ------------------------------------------------------------ features

    def features(self, i: int, j: int) -> Features:
        a, b = self.items[i], self.items[j]
        pa, pb = self.prep[i], self.prep[j]
        f = Features()
        f.same_concepts = sorted(a.concepts & b.concepts)
        f.exact = any(
            pa.names & self.concepts[c].names and pb.names & self.concepts[c].names
            for c in f.same_concepts
            if c in self.concepts
        )
        for d in sorted(b.concepts):
            if d in pa.expanded:
                c, kind = pa.expanded[d]
                f.concept_links.append((c, kind, d))
        f.name = cosine(pa.name_vec, pb.name_vec)
        ratio = contains_ratio(pa.key, pb.key)
        f.contain = 1.0 if ratio >= 0.6 and min(len(pa.key), len(pb.key)) >= 2 else 0.0
        pair = (pa.key, pb.key) if pa.key <= pb.key else (pb.key, pa.key)
        if pair not in self._aligned:  # SequenceMatcher is the slow part; names repeat a lot
            self._aligned[pair] = aligned(*pair)
        f.aligned = self._aligned[pair]
        if min(len(pa.key), len(pb.key)) < 2:  # a name that is only a place: 数字通化 -> 数字
            f.name, f.contain, f.aligned = min(f.name, 0.5), 0.0, 0.0
        f.context = cosine(pa.ctx_vec, pb.ctx_vec)
        shared = sorted(set(pa.facets) & set(pb.facets))
        f.shared_facets = [(x, pa.facets[x], pb.facets[x]) for x in shared]
        f.facets = cosine(pa.facet_vec, pb.facet_vec)
        f.domains = sorted(a.domains & b.domains)
        f.indicators = sorted(a.indicators & b.indicators)
        f.component = pa.component or pb.component
        f.class_mismatch = any((a.cls == c) != (b.cls == c) for c in SEPARATE_CLASSES)
        f.named_only = a.cls in SEPARATE_CLASSES and b.cls in SEPARATE_CLASSES
        if a.province and b.province and a.province != b.province:
            f.other_province = pa.provincial or pb.provincial
        f.other_instance = self._other_instance(pa, pb)
        close = any(k == "close" for _, k, _ in f.concept_links)
        f.instance_of = bool(pa.specifics) != bool(pb.specifics) and (bool(a.concepts & b.concepts) or close)
        f.fragment = pa.fragment or pb.fragment
        f.shared_document = shared_document(a, b, pa.key, pb.key)
        return f

    def _features(self, i: int, j: int) -> Features:
        """``features(i, j)``, memoised per pair of profiles like ``quick_logit``."""
        if not (self._shared[i] and self._shared[j]):
            return self.features(i, j)
        key = (self.profile[i], self.profile[j])
        f = self._memo_features.get(key)
        if f is None:
            f = self._memo_features[key] = self.features(i, j)
        a, b, pa, pb = self.items[i], self.items[j], self.prep[i], self.prep[j]
        other = bool(
            a.province and b.province and a.province != b.province and (pa.provincial or pb.provincial)
        )
        return replace(f, other_province=other, shared_document=shared_document(a, b, pa.key, pb.key))

    def _other_instance(self, pa: _Prepared, pb: _Prepared) -> bool:
        if not (pa.specifics and pb.specifics):
            return False
        return aligned(pa.specifics, pb.specifics) < 0.3 and not (
            pa.specifics in pb.specifics or pb.specifics in pa.specifics
        )

    def quick_logit(self, i: int, j: int) -> float:
        """``features(i, j).logit()`` without building the explanation (the hot loop).

        A test checks the two agree on every candidate pair. What depends on the two
        cities' provinces is added here; the rest is memoised per pair of profiles.
        """
        a, b = self.items[i], self.items[j]
        pa, pb = self.prep[i], self.prep[j]
        if self._shared[i] and self._shared[j]:
            key = (self.profile[i], self.profile[j])
            z = self._memo.get(key)
            if z is None:
                z = self._memo[key] = self._profile_logit(i, j)
        else:
            z = self._profile_logit(i, j)
        if a.province and b.province and a.province != b.province and (pa.provincial or pb.provincial):
            z += WEIGHTS["other_province"]
        if shared_document(a, b, pa.key, pb.key):
            z += WEIGHTS["shared_document"]
        return z

    def _profile_logit(self, i: int, j: int) -> float:
        """The part of ``quick_logit`` that does not depend on where the two items are."""
        a, b = self.items[i], self.items[j]
        pa, pb = self.prep[i], self.prep[j]
        w = WEIGHTS
        z = BIAS
        if pa.component or pb.component:
            z += w["component"]
        c = 0.5 if a.cls in SEPARATE_CLASSES and b.cls in SEPARATE_CLASSES else 1.0
        shared = a.concepts & b.concepts
        if shared:
            z += c * w["same_concept_exact" if pa.exact & pb.exact else "same_concept"]
        kinds: set[str] = set()
        if pa.expanded and b.concepts:
            kinds = {pa.expanded[d][1] for d in b.concepts if d in pa.expanded}
            z += c * (
                w["close_concept"] * ("close" in kinds)
                + w["related_concept"] * ("related" in kinds)
                + w["broader_concept"] * bool(kinds & {"broader", "narrower"})
            )
        name = cosine(pa.name_vec, pb.name_vec)
        if min(len(pa.key), len(pb.key)) < 2:
            z += w["name"] * min(name, 0.5)
        else:
            short, long_ = (pa.key, pb.key) if len(pa.key) <= len(pb.key) else (pb.key, pa.key)
            z += w["name"] * name + w["contain"] * (short in long_ and len(short) / len(long_) >= 0.6)
            pair = (pa.key, pb.key) if pa.key <= pb.key else (pb.key, pa.key)
            if pair not in self._aligned:
                self._aligned[pair] = aligned(*pair)
            z += w["aligned"] * self._aligned[pair]
        z += w["context"] * cosine(pa.ctx_vec, pb.ctx_vec) + w["facets"] * cosine(pa.facet_vec, pb.facet_vec)
        z += w["same_domain"] * bool(a.domains & b.domains) + w["same_indicator"] * bool(
            a.indicators & b.indicators
        )
        if any((a.cls == x) != (b.cls == x) for x in SEPARATE_CLASSES):
            z += w["class_mismatch"]
        if self._other_instance(pa, pb):
            z += w["other_instance"]
        if bool(pa.specifics) != bool(pb.specifics) and (shared or "close" in kinds):
            z += w["instance_of"]
        if pa.fragment or pb.fragment:
            z += w["fragment"]
        return z

    # ------------------------------------------------------------ candidates

    def candidates(self) -> Iterator[tuple[int, int]]:
        """Pairs worth scoring (see ``analogue_blocking``), each once, in a stable order."""
        blocks = []
        for it, p in zip(self.items, self.prep, strict=True):
            top = sorted(p.ctx_vec.items(), key=lambda kv: (-kv[1], kv[0]))[:CONTEXT_TERMS]
            blocks.append(
                BlockItem(
                    it.city,
                    p.key,
                    frozenset(it.concepts),
                    frozenset(p.expanded),
                    frozenset(p.name_vec),
                    frozenset(g for g, _ in top),
                )
            )
        return candidate_pairs(blocks)

    # ------------------------------------------------------------ results

    def analogy(self, i: int, j: int, score: float | None = None) -> Analogy:
        """The scored, explained analogy of items i and j (source = the smaller IRI)."""
        if self.items[j].iri < self.items[i].iri:
            i, j = j, i
        f = self._features(i, j)
        basis, kinds = explain(f, self.items[i], self.items[j], self.data)
        value = f.score() if score is None else score
        return Analogy(self.items[i], self.items[j], round(value, 3), basis, kinds)

    def logits(self, floor: float = -math.inf) -> dict[tuple[int, int], float]:
        """Final logit of the candidate pairs whose raw logit reaches ``floor``.

        Final = raw logit + ``WEIGHTS["not_counterpart"]`` x (how far, beyond
        ``GAP_MARGIN`` and capped at ``GAP_CAP`` logit units, the pair falls behind the
        best match either side has in the other's city among items of the partner's
        kind: same concept set, else same name) / ``GAP_CAP``. So 智慧社区 (青岛) pairs
        with 智慧社区 (菏泽), not also with 牡丹区智慧社区平台 (菏泽), while 城市综合指挥中心
        may still pair with 城市云脑中枢 next to 城市管理一张网. The penalty only lowers
        scores, so a pair below ``floor`` can never be materialised and is not kept.
        """
        raw: dict[tuple[int, int], float] = {}
        best: dict[int, float] = {}  # (item, other city, partner's kind) as one int -> best raw logit
        kind_ids: dict[object, int] = {}
        kind = [
            kind_ids.setdefault(frozenset(it.concepts) or p.key, len(kind_ids))
            for it, p in zip(self.items, self.prep, strict=True)
        ]
        city_ids: dict[str, int] = {}
        city = [city_ids.setdefault(it.city, len(city_ids)) for it in self.items]
        nk, nc = len(kind_ids) + 1, len(city_ids) + 1
        # (x, city of y, kind of y) as the int x * nc * nk + side[y]: cheaper to hash than a tuple
        side = [city[y] * nk + kind[y] for y in range(len(self.items))]
        quick, get, lowest = self.quick_logit, best.get, -math.inf
        for i, j in self.candidates():
            z = quick(i, j)
            k1, k2 = i * nc * nk + side[j], j * nc * nk + side[i]
            if z > get(k1, lowest):
                best[k1] = z
            if z > get(k2, lowest):
                best[k2] = z
            if z >= floor:
                raw[(i, j)] = z
        for (i, j), z in raw.items():  # in place: a big build has 100,000s of pairs
            gap = max(best[i * nc * nk + side[j]], best[j * nc * nk + side[i]]) - z
            # either side having a clearly better match is enough
            raw[(i, j)] = z + WEIGHTS["not_counterpart"] * min(max(gap - GAP_MARGIN, 0.0), GAP_CAP) / GAP_CAP
        return raw

    def analogies(
        self,
        min_score: float = DEFAULT_THRESHOLD,
        top: int | None = TOP_PER_ITEM,
        most: int | None = None,
        only: Collection[str] | None = None,
    ) -> list[Analogy]:
        """Analogies scoring >= ``min_score``, best first.

        ``top``/``most``: each item's best, at most ``most`` per item (``cap_pairs``; the
        build's cap); ``top=None``: every pair. ``only``: just the pairs of these item
        IRIs (the deeper list ``citykg analogues`` shows for one initiative or city).
        """
        out = list(self.iter_analogies(min_score, top, most, only))
        out.sort(key=lambda a: (-a.score, a.source.iri, a.target.iri))
        return out

    def iter_analogies(
        self,
        min_score: float = DEFAULT_THRESHOLD,
        top: int | None = TOP_PER_ITEM,
        most: int | None = None,
        only: Collection[str] | None = None,
    ) -> Iterator[Analogy]:
        """``analogies`` one at a time, in pair order (the build streams them into the store)."""
        floor = logit(min_score)
        kept = self.logits(floor)
        for p in [p for p, z in kept.items() if z < floor]:
            del kept[p]
        chosen = sorted(kept) if top is None else cap_pairs(kept, [it.iri for it in self.items], top, most)
        if only is not None:
            wanted = set(only)
            chosen = [(i, j) for i, j in chosen if self.items[i].iri in wanted or self.items[j].iri in wanted]
        scores = [sigmoid(kept[p]) for p in chosen]
        del kept
        self._memo.clear()  # what is left to do needs only the features of the chosen pairs
        for (i, j), score in zip(chosen, scores, strict=True):
            yield self.analogy(i, j, score)


def find_analogues(store: ox.Store, min_score: float = DEFAULT_THRESHOLD) -> list[Analogy]:
    """All analogues in ``store`` scoring at least ``min_score``, best first."""
    return Finder(load_input(store)).analogies(min_score)


def analogy_quads(
    store: ox.Store, min_score: float = DEFAULT_THRESHOLD, top: int = TOP_PER_ITEM, most: int | None = None
) -> Iterator[ox.Quad]:
    """The quads of graph ckr:graph/analogies for ``store`` (called by the build).

    ``top``/``most``: the per-initiative cap (``cap_pairs``). Everything is read from
    ``store`` before the first quad is yielded, so the caller may add them to the
    same store as they come, without holding them all in a list.
    """
    finder = Finder(load_input(store))
    pairs = finder.iter_analogies(min_score, top, most)
    first = next(pairs, None)  # runs the whole computation: the store is read by now
    if first is not None:
        yield from quads_for(chain([first], pairs))
