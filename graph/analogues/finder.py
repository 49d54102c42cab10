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
one higher-level document cited in two cities (``analogue_rules``), and, between
two cities, a better pair of the same kinds of things (``analogue_select``).
Initiatives the extraction linked to no concept get the concepts their names
name (``analogue_rules``). Items are prepared once (``analogue_prepare``).
The build keeps each item's ``TOP_PER_ITEM`` best analogues (ties included, never more
than ``MAX_PER_ITEM``: ``analogue_score.cap_pairs``), so the graph grows linearly;
``Finder.analogies(top=None, only=...)`` gives the full list of some items on demand.

Default threshold (also the materialisation threshold): ``DEFAULT_THRESHOLD`` =
0.5. On the development gold (5 seed articles, 41 high/medium pairs; score.py)
it gives recall 0.878 / precision 0.692 on the real build of the seeds (21 Nov
2026), where precision counts only the development copy of the gold pairs;
judged by the gold's stated principles (its held-back same-concept mechanisms)
higher. Unseen articles (bench/heldout) built with the seeds: 77 of 79 seed
reforms they also run are linked.
Details, the threshold table and the list of misses: docs/analogues.md.
"""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterable, Iterator
from itertools import chain
from pathlib import Path

import numpy as np
import pyoxigraph as ox

from citykg.gcpause import no_cyclic_gc
from citykg.graph.analogues.arrays import compete_arrays, pair_logits, ranking_logits
from citykg.graph.analogues.blocking import CONTEXT_TERMS, BlockItem, candidate_arrays, candidate_pairs
from citykg.graph.analogues.data import AnalogueInput, ConceptInfo, load_input
from citykg.graph.analogues.explain import Analogy, explain, quads_for, with_text
from citykg.graph.analogues.prepare import Prepared, prepare
from citykg.graph.analogues.rules import shared_document
from citykg.graph.analogues.score import (
    DEFAULT_THRESHOLD,
    MAX_PER_ITEM,
    SCORE_DECIMALS,
    SEPARATE_CLASSES,
    TOP_PER_ITEM,
    WEIGHTS,
    Features,
    cap_pairs,
    from_score,
    to_score,
)
from citykg.graph.analogues.select import Scored
from citykg.graph.analogues.text import aligned, contains_ratio, cosine

#: one name key containing the other counts (feature ``contain``) from this length ratio on
CONTAIN_RATIO = 0.6
#: a name key shorter than this is a place name and a generic word (数字通化 -> 数字): its name
#: features are capped at ``PLACE_ONLY_NAME`` and ``contain``/``aligned`` are off
MIN_KEY = 2
PLACE_ONLY_NAME = 0.5
#: two instances of one programme differ when their specifics align less than this (就医付费 / 花卉产业)
OTHER_INSTANCE_BELOW = 0.3

__all__ = [
    "DEFAULT_THRESHOLD", "MAX_PER_ITEM", "TOP_PER_ITEM", "WEIGHTS", "Analogy", "Features", "Finder",
    "analogy_quads", "find_analogues", "input_analogies", "input_quads", "load_input",
]


class Finder:
    """Prepares the items once (``analogue_prepare``), then scores any pair of them."""

    def __init__(self, data: AnalogueInput, cache: Path | None = None, reuse: bool = False) -> None:
        """``cache``, ``reuse``: where the items' corpus-independent preparation is kept (``prepare``)."""
        self.data = data
        self.items = data.items
        self.concepts: dict[str, ConceptInfo] = data.concepts
        ready = prepare(data, cache, reuse)
        self.prep: list[Prepared] = ready.prep
        self.profile, self._shared, self._kind = ready.profile, ready.shared, ready.kind
        self.name_model, self.ctx_model = ready.name_model, ready.ctx_model
        self.facet_model = ready.facet_model
        self.matcher = ready.matcher
        # what ``quick_logit`` reads per item, in flat lists (it runs once per candidate pair)
        self._province = [it.province for it in self.items]
        self._provincial = [p.provincial for p in self.prep]
        self._document = [it.cls == "PolicyDocument" for it in self.items]  # ``shared_document`` needs two
        self._aligned: dict[tuple[str, str], float] = {}
        self._memo: dict[tuple[int, int], float] = {}
        self._memo_features: dict[tuple[int, int], Features] = {}
        self._excess: dict[tuple[int, int], float] = {}
        # ``explain`` reads the features and the two labels only: analogies of one pair of profiles
        # and labels (一网通办 ~ 一网通办 in many pairs of cities) share their reasons
        self._reasons: dict[tuple[int, int, str, str], tuple[list[str], list[str], list[str], str]] = {}

    # ------------------------------------------------------------ features

    def features(self, i: int, j: int) -> Features:
        a, b = self.items[i], self.items[j]
        pa, pb = self.prep[i], self.prep[j]
        f = Features()
        f.same_concepts = sorted(a.concepts & b.concepts)
        f.exact = bool(pa.exact & pb.exact)
        for d in sorted(b.concepts):
            if d in pa.expanded:
                c, kind = pa.expanded[d]
                f.concept_links.append((c, kind, d))
        f.name = cosine(pa.name_vec, pb.name_vec)
        ratio = contains_ratio(pa.key, pb.key)
        f.contain = 1.0 if ratio >= CONTAIN_RATIO and min(len(pa.key), len(pb.key)) >= MIN_KEY else 0.0
        pair = (pa.key, pb.key) if pa.key <= pb.key else (pb.key, pa.key)
        if pair not in self._aligned:  # SequenceMatcher is the slow part; names repeat a lot
            self._aligned[pair] = aligned(*pair)
        f.aligned = self._aligned[pair]
        if min(len(pa.key), len(pb.key)) < MIN_KEY:  # a name that is only a place: 数字通化 -> 数字
            f.name, f.contain, f.aligned = min(f.name, PLACE_ONLY_NAME), 0.0, 0.0
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
        mine = {**{c: "" for c in a.concepts}, **pa.does}
        theirs = {**{c: "" for c in b.concepts}, **pb.does}
        if pa.does or pb.does:
            f.mechanisms = [(c, mine[c], theirs[c]) for c in sorted(mine.keys() & theirs.keys())]
            f.mechanisms = [m for m in f.mechanisms if m[0] not in f.same_concepts]
            for c in sorted(pa.does):
                info = self.concepts.get(c)
                for d in sorted(info.links.get("close", ()) if info else ()):
                    if d in theirs and d not in mine:
                        f.mechanism_links.append((c, "close", d))
            for d in sorted(pb.does):
                info = self.concepts.get(d)
                for c in sorted(info.links.get("close", ()) if info else ()):
                    if c in mine and c not in theirs:
                        f.mechanism_links.append((c, "close", d))
        f.different_kinds = bool(
            mine and theirs and not (f.same_concepts or f.concept_links or f.mechanisms or f.mechanism_links)
        )
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
        # ``dataclasses.replace`` without its __init__ call (the lists stay shared, as with replace)
        g = object.__new__(Features)
        g.__dict__.update(f.__dict__)
        g.other_province, g.shared_document = other, shared_document(a, b, pa.key, pb.key)
        return g

    def _other_instance(self, pa: Prepared, pb: Prepared) -> bool:
        if not (pa.specifics and pb.specifics):
            return False
        return aligned(pa.specifics, pb.specifics) < OTHER_INSTANCE_BELOW and not (
            pa.specifics in pb.specifics or pb.specifics in pa.specifics
        )

    def quick_logit(self, i: int, j: int) -> float:
        """The final logit of a pair before the competition: ``features(i, j).logit()`` plus strength.

        The one scoring model is ``Features.logit``; this memoises it per pair of
        profiles (initiatives repeat from city to city) and adds what depends on where
        the two items are (provinces, a shared document). How strong each side's own
        evidence is (``Prepared.strength``) is added after the threshold and the
        competition (``iter_analogies``): it ranks pairs, it does not admit them.
        """
        if self._shared[i] and self._shared[j]:
            key = (self.profile[i], self.profile[j])
            z = self._memo.get(key)
            if z is None:
                z = self._memo[key] = self._profile_logit(i, j)
        else:
            z = self._profile_logit(i, j)
        if self._provincial[i] or self._provincial[j]:
            pi, pj = self._province[i], self._province[j]
            if pi and pj and pi != pj:
                z += WEIGHTS["other_province"]
        if self._document[i] and self._document[j]:
            a, b = self.items[i], self.items[j]
            if shared_document(a, b, self.prep[i].key, self.prep[j].key):
                z += WEIGHTS["shared_document"]
        return z

    def _profile_logit(self, i: int, j: int) -> float:
        """``Features.logit`` without what depends on where the items are (added per pair)."""
        f = self.features(i, j)
        f.other_province = f.shared_document = False
        self._excess[(self.profile[i], self.profile[j])] = f.name_excess()
        return f.logit()

    def excess(self, i: int, j: int) -> float:
        """``Features.name_excess`` of a scored pair (memoised with its logit)."""
        key = (self.profile[i], self.profile[j])
        if key not in self._excess:
            self._profile_logit(i, j)
        return self._excess[key]

    # ------------------------------------------------------------ candidates

    def candidates(self) -> Iterator[tuple[int, int]]:
        """Pairs worth scoring (see ``analogue_blocking``), each once, in (i, j) order."""
        return candidate_pairs(self._blocks())

    def _blocks(self) -> list[BlockItem]:
        """What blocking knows of each item."""
        blocks = []
        # items share their vectors and concept sets: so do their term sets (80,000 items
        # with four frozensets each of their own cost ~150 MB on the 2,000-article build)
        names: dict[int, frozenset[str]] = {}
        contexts: dict[int, frozenset[str]] = {}
        concepts: dict[frozenset[str], tuple[frozenset[str], frozenset[str]]] = {}
        for it, p in zip(self.items, self.prep, strict=True):
            if id(p.ctx_vec) not in contexts:
                top = sorted(p.ctx_vec.items(), key=lambda kv: (-kv[1], kv[0]))[:CONTEXT_TERMS]
                contexts[id(p.ctx_vec)] = frozenset(g for g, _ in top)
            if id(p.name_vec) not in names:
                names[id(p.name_vec)] = frozenset(p.name_vec)
            own = frozenset(it.concepts) | frozenset(p.does)
            if own not in concepts:  # expanded: a function of the concepts (and what it does)
                does = {d for c in p.does if c in self.concepts for d in self.concepts[c].links.get("close", ())}
                concepts[own] = (own, frozenset(p.expanded) | frozenset(does))
            own, linked = concepts[own]
            blocks.append(
                BlockItem(it.city, p.key, own, linked, names[id(p.name_vec)], contexts[id(p.ctx_vec)])
            )
        return blocks

    # ------------------------------------------------------------ results

    def analogy(self, i: int, j: int, score: float | None = None) -> Analogy:
        """The scored, explained analogy of items i and j (source = the smaller IRI)."""
        if self.items[j].iri < self.items[i].iri:
            i, j = j, i
        if score is None:
            z = self.quick_logit(i, j) - self.excess(i, j) + self.prep[i].strength + self.prep[j].strength
            score = to_score(z)
        return next(self._made([(i, j)], [score]))

    def _made(self, pairs: Iterable[tuple[int, int]], scores: Iterable[float]) -> Iterator[Analogy]:
        """``analogy(i, j, score)`` of each pair (one loop: the build makes ~170,000 of them)."""
        items, shared, profile, known = self.items, self._shared, self.profile, self._reasons
        for (i, j), score in zip(pairs, scores, strict=True):
            if items[j].iri < items[i].iri:
                i, j = j, i
            a, b = items[i], items[j]
            if shared[i] and shared[j]:  # the features are those of the pair of profiles
                key = (profile[i], profile[j], a.label, b.label)
                reasons = known.get(key)
                if reasons is None:
                    reasons = known[key] = with_text(explain(self._features(i, j), a, b, self.data))
            else:
                reasons = with_text(explain(self._features(i, j), a, b, self.data))
            basis, basis_zh, kinds, text = reasons
            yield Analogy(a, b, round(score, SCORE_DECIMALS), basis, kinds, basis_zh, text)

    def scored(self, floor: float) -> Scored:
        """The candidate pairs whose final logit reaches ``floor`` (``analogue_select.compete``,
        over arrays: ``analogues.arrays``; the logits are ``quick_logit``'s)."""
        city_ids: dict[str, int] = {}
        city = [city_ids.setdefault(it.city, len(city_ids)) for it in self.items]
        i, j = candidate_arrays(self._blocks())
        items, prep = self.items, self.prep
        z = pair_logits(i, j, self.profile, self._shared, self._profile_logit, self._province, self._provincial,
                        self._document, lambda a, b: shared_document(items[a], items[b], prep[a].key, prep[b].key))  # fmt: skip
        return compete_arrays(i, j, z, city, self._kind, floor)

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
        floor = from_score(min_score)
        kept = self.scored(floor)
        i, j = np.asarray(kept.i, dtype=np.int64), np.asarray(kept.j, dtype=np.int64)
        strength = [p.strength for p in self.prep]
        z = ranking_logits(i, j, np.asarray(kept.z, dtype=np.float64), self.profile, self.excess, strength, floor)
        if top is None:
            chosen = sorted(zip(i.tolist(), j.tolist(), strict=True))
        else:
            chosen = cap_pairs(Scored(i, j, z), [it.iri for it in self.items], top, most)  # type: ignore[arg-type]
        if only is not None:
            wanted = set(only)
            chosen = [(a, b) for a, b in chosen if self.items[a].iri in wanted or self.items[b].iri in wanted]
        n = len(self.items)
        code = i * n + j  # the candidate pairs are distinct
        order = np.argsort(code, kind="stable")
        at = np.array([a * n + b for a, b in chosen], dtype=np.int64)
        scores = [to_score(v) for v in z[order[np.searchsorted(code[order], at)]].tolist()] if chosen else []
        del kept, i, j, z, code, order
        self._memo.clear()  # what is left to do needs only the features of the chosen pairs
        self._excess.clear()
        yield from self._made(chosen, scores)


def find_analogues(store: ox.Store, min_score: float = DEFAULT_THRESHOLD) -> list[Analogy]:
    """All analogues in ``store`` scoring at least ``min_score``, best first."""
    return Finder(load_input(store)).analogies(min_score)


def analogy_quads(
    store: ox.Store, min_score: float = DEFAULT_THRESHOLD, top: int = TOP_PER_ITEM, most: int | None = None
) -> Iterator[ox.Quad]:
    """The quads of graph ckr:graph/analogies for a dataset in ``store`` (a finished build).

    ``top``/``most``: the per-initiative cap (``cap_pairs``). Everything is read from
    ``store`` before the first quad is yielded, so the caller may add them to the
    same store as they come, without holding them all in a list.
    """
    return input_quads(load_input(store), min_score, top, most)


def input_quads(
    data: AnalogueInput, min_score: float = DEFAULT_THRESHOLD, top: int = TOP_PER_ITEM, most: int | None = None
) -> Iterator[ox.Quad]:
    """The quads of graph ckr:graph/analogies for the finder's input ``data``; the whole
    computation runs at the first quad."""
    yield from quads_for(input_analogies(data, min_score, top, most))


def input_analogies(
    data: AnalogueInput, min_score: float = DEFAULT_THRESHOLD, top: int = TOP_PER_ITEM, most: int | None = None,
    *, cache: Path | None = None, reuse: bool = False,
) -> Iterator[Analogy]:
    """The materialised analogies of the finder's input ``data`` (the build reads it from the
    documents' records, ``analogues.index``) in pair order; the whole computation runs at the
    first one (the build writes them with ``analogues.blocks``). ``cache``/``reuse``: the build's
    cache folder, and whether the items' kept preparation may be read from it (``prepare``)."""
    with no_cyclic_gc():  # ~10^6 new containers, no cycles among them: collections only walk them again
        pairs = Finder(data, cache, reuse).iter_analogies(min_score, top, most)
        first = next(pairs, None)  # runs the whole computation: the store is read by now
        gc.freeze()  # what the finder made lives until the last analogy: no collection need walk it
        if first is not None:
            yield from chain([first], pairs)
