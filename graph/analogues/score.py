"""The scoring model of the analogue finder: features of a pair and their logistic weights.

A score is sigmoid(BIAS + sum of WEIGHTS x features), a probability-like number in
[0, 1]. The weights are hand-set and documented in docs/analogues.md, where the
default threshold's precision and recall on the development gold are reported;
a logistic regression fitted on the development pairs was used only as a guide
(it over-rewards names and under-rewards the concept scheme, because the gold
marks only part of the right pairs).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from citykg.graph import lang
from citykg.graph.analogues.crcpairs import pair_crcs
from citykg.graph.analogues.data import NAMED_ONLY

#: materialisation threshold = default threshold of ``citykg analogues``
DEFAULT_THRESHOLD = 0.5

#: logistic weights (hand-set; documented in docs/analogues.md)
BIAS = -5.0
WEIGHTS = {
    "same_concept_exact": 6.5,  # same ck:realizes concept, both names are its labels
    "same_concept": 4.0,  # same ck:realizes concept, found inside a longer name
    "close_concept": 4.5,  # skos:closeMatch / exactMatch between their concepts
    "related_concept": 2.0,  # skos:related
    "broader_concept": 1.0,  # one concept is broader than the other
    "name": 2.5,  # cosine of name n-grams, 0..1
    "contain": 1.5,  # one name key contains the other (len ratio >= 0.6)
    "aligned": 6.0,  # names agree char by char in order: 四星级新型智慧城市 ~ 四星级成长型智慧城市
    "context": 1.0,  # cosine of context n-grams, 0..1
    "facets": 0.5,  # overlap of context facets, 0..1
    "same_domain": 1.0,
    "same_indicator": 0.3,
    "component": -20.0,  # one side is a generic building block (电子证照, 5G基站)
    "class_mismatch": -4.0,  # Award vs not, PolicyDocument vs not
    "other_province": -10.0,  # 省级… of two different provinces
    "other_instance": -3.0,  # same programme, different specifics: 就医付费一件事 vs 花卉产业一件事
    "instance_of": -1.5,  # the programme vs one instance of it: 高效办成一件事 vs 就医付费一件事
    "fragment": -20.0,  # a shorter name of a thing its own city also names in full (授权运营 / 公共数据授权运营)
    "shared_document": -10.0,  # one higher-level policy document cited in two cities (same title, no place)
    "not_counterpart": -5.0,  # the two cities have a clearly better pair of these kinds (analogue_select)
    # what the sentences say an initiative does (mechanism facets, reform names around it), when
    # its name names no concept: 亲清在线 ... 兑现惠企资金 does policy cashing
    "same_mechanism": 4.5,
    "close_mechanism": 4.0,  # what one does is closeMatch what the other is or does
    # both are known to be something (concepts or mechanisms) and nothing of it is shared or
    # linked: similar names then mislead (健康码 ~ 健康宁波 share 健康, not a practice)
    "different_kinds": -2.0,
}
#: names add at most this much (logit units) once a concept or mechanism is shared: identical
#: names of one concept are one piece of evidence, not three (was: 71% of analogies at 1.000)
NAME_CAP = 4.5
#: score = sigmoid(logit / SCORE_SCALE): the 0.5 threshold stays at logit 0, strong pairs
#: spread over 0.8 - 0.97 instead of piling up at 1.000, so evidence strength can rank them
SCORE_SCALE = 3.0
#: strength of one side's evidence (logit units, added per side; ranks pairs of equal kind):
STRENGTH_DIRECT = 0.3  # its name is a label of its concept, or its sentences name the concept
STRENGTH_DONE = 0.2  # its sentences report it running (+) or only planned (-) (facets: status)
STRENGTH_RECENT = 0.2  # times (year - RECENT_FROM) / RECENT_SPAN, clipped to [0, 1]
RECENT_FROM, RECENT_SPAN = 2016.0, 10.0
STRENGTH_SENTENCE = 0.05  # per supporting sentence beyond the first, at most MAX_SENTENCES
MAX_SENTENCES = 3
SEPARATE_CLASSES = NAMED_ONLY
#: concept features count this much when both sides are SEPARATE_CLASSES (known by name, not topic)
NAMED_ONLY_FACTOR = 0.5
#: decimals of a shown score (``Analogy.score``, ck:score); ``cap_pairs`` ranks ties at this precision
SCORE_DECIMALS = 3
#: below this logit ``sigmoid`` is 0.0 (math.exp would overflow far below it)
SIGMOID_FLOOR = -40.0
#: ``cap_pairs`` packs (score rank, name hash) into one int: the hash takes the low bits
_HASH_BITS = 32
_SCALE = 10**SCORE_DECIMALS
GAP_MARGIN = 1.0  # logit units a pair may trail the best pair of its kinds without penalty
GAP_CAP = 2.0  # logit units: a pair this far behind its rival gets the full not_counterpart weight
#: generic head and qualifier words of names (data: graph/lang/zh/analogues/generic-heads.txt)
GENERIC_HEADS = lang.words("zh/analogues/generic-heads.txt")
#: words marking a province's programme (data: graph/lang/zh/analogues/provincial-words.txt)
PROVINCIAL_WORDS = lang.words("zh/analogues/provincial-words.txt")
CONTEXT_KEEP = 40  # context n-grams kept per item (the most telling ones)
#: a pair is materialised when it is among the ``TOP_PER_ITEM`` best of either side, ties included
#: (``cap_pairs``); no item gets more than ``MAX_PER_ITEM``. Deeper lists: ``citykg analogues``
#: computes them on demand.
TOP_PER_ITEM = 6
MAX_PER_ITEM = 16


@dataclass
class Features:
    same_concepts: list[str] = field(default_factory=list)
    exact: bool = False  # both names are labels (pref/alt) of a shared concept
    concept_links: list[tuple[str, str, str]] = field(default_factory=list)  # (a, kind, b)
    name: float = 0.0
    contain: float = 0.0
    aligned: float = 0.0  # (SequenceMatcher ratio of the name keys - 0.5) / 0.5, floored at 0
    context: float = 0.0
    facets: float = 0.0
    shared_facets: list[tuple[str, str, str]] = field(default_factory=list)  # (iri, cue a, cue b)
    domains: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    component: bool = False
    class_mismatch: bool = False
    other_province: bool = False  # a provincial list or platform of two different provinces
    other_instance: bool = False  # same concept, different specifics: 就医付费一件事 vs 花卉产业一件事
    instance_of: bool = (
        False  # one is the programme, the other one instance: 高效办成一件事 vs 就医付费一件事
    )

    named_only: bool = False  # both are lists or documents: known by name, not by topic
    fragment: bool = False  # a side is a fragment of a fuller name of the same thing in its city
    shared_document: bool = False  # the same higher-level document, cited in two cities
    mechanisms: list[tuple[str, str, str]] = field(default_factory=list)  # (concept, cue a, cue b)
    mechanism_links: list[tuple[str, str, str]] = field(default_factory=list)  # (a, "close", b)
    different_kinds: bool = False  # both sides have concepts or mechanisms, none shared or linked

    def vector(self) -> dict[str, float]:
        """The numbers the logistic combination weighs (keys of ``WEIGHTS``)."""
        kinds = {k for _, k, _ in self.concept_links}
        c = NAMED_ONLY_FACTOR if self.named_only else 1.0  # an award about digital cities is not the same award
        return {
            "same_concept_exact": c * (bool(self.same_concepts) and self.exact),
            "same_concept": c * (bool(self.same_concepts) and not self.exact),
            "close_concept": c * ("close" in kinds),
            "related_concept": c * ("related" in kinds),
            "broader_concept": c * bool(kinds & {"broader", "narrower"}),
            "name": self.name,
            "contain": self.contain,
            "aligned": self.aligned,
            "context": self.context,
            "facets": self.facets,
            "same_domain": float(bool(self.domains)),
            "same_indicator": float(bool(self.indicators)),
            "component": float(self.component),
            "class_mismatch": float(self.class_mismatch),
            "other_province": float(self.other_province),
            "other_instance": float(self.other_instance),
            "instance_of": float(self.instance_of),
            "fragment": float(self.fragment),
            "shared_document": float(self.shared_document),
            "same_mechanism": float(bool(self.mechanisms) and not self.same_concepts),
            "different_kinds": float(self.different_kinds),
            "close_mechanism": float(
                bool(self.mechanism_links) and not (self.mechanisms or self.same_concepts)
            ),
        }

    def logit(self) -> float:
        """BIAS + the weighted features (what the threshold and the competition read)."""
        return BIAS + sum(WEIGHTS[k] * v for k, v in self.vector().items())  # not_counterpart: later

    def name_excess(self) -> float:
        """What names add beyond ``NAME_CAP`` once a concept is shared: taken off the shown score.

        The competition still sees it (two cities' synonyms are told apart by their names).
        """
        if not (self.same_concepts or self.mechanisms or self.concept_links):
            return 0.0
        v = self.vector()
        return max(sum(WEIGHTS[k] * v[k] for k in ("name", "contain", "aligned")) - NAME_CAP, 0.0)

    def score(self) -> float:
        return to_score(self.logit() - self.name_excess())


def to_score(z: float) -> float:
    """The shown score of a logit: ``sigmoid(z / SCORE_SCALE)`` (0.5 at logit 0).

    >>> to_score(0.0), round(to_score(7.0), 3)
    (0.5, 0.912)
    """
    return sigmoid(z / SCORE_SCALE)


def from_score(p: float) -> float:
    """The logit of a shown score (inverse of ``to_score``).

    >>> from_score(0.5)
    0.0
    """
    return SCORE_SCALE * logit(p)


def logit(p: float) -> float:
    """Inverse of ``sigmoid`` (0 -> -inf).

    >>> logit(0.5)
    0.0
    """
    if p <= 0.0:
        return -math.inf
    if p >= 1.0:
        return math.inf
    return math.log(p / (1.0 - p))


def sigmoid(z: float) -> float:
    """Logistic function, safe for large |z|.

    >>> sigmoid(0.0), round(sigmoid(4.0), 3)
    (0.5, 0.982)
    """
    if z < SIGMOID_FLOOR:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


def cap_pairs(
    logits: Mapping[tuple[int, int], float] | Iterable[tuple[tuple[int, int], float]],
    names: Sequence[str],
    top: int,
    most: int | None = None,
) -> list[tuple[int, int]]:
    """The pairs to materialise: each item's ``top`` best, ties included, at most ``most`` per item.

    An item chooses its ``top`` best partners by score (rounded as shown, 3 decimals);
    when the last of them ties with others (一网通办 in eleven cities, all 1.000) it
    chooses the whole tie as long as that is at most ``most`` (default
    ``MAX_PER_ITEM``), else ``top`` of them, ordered by a hash of the two names so
    big ties spread over the cities instead of piling onto the first ones. A pair is
    kept when either side chose it, best first, while neither side has ``most``
    pairs yet: the graph grows linearly with the items, however many cities run
    the same reform. ``logits``: a mapping (i, j) -> logit, its items, or parallel
    arrays ``.i``, ``.j``, ``.z`` (``select.Scored``).

    >>> cap_pairs({(0, 1): 2.0, (0, 2): 1.0, (1, 2): 0.5}, ["a", "b", "c"], top=1)
    [(0, 1), (0, 2)]
    >>> cap_pairs({(0, 1): 9.0, (0, 2): 9.0, (0, 3): 9.0}, ["a", "b", "c", "d"], top=1, most=3)
    [(0, 1), (0, 2), (0, 3)]
    >>> len(cap_pairs({(0, 1): 9.0, (0, 2): 9.0, (0, 3): 9.0}, ["a", "b", "c", "d"], top=1, most=2))
    2
    """
    most = MAX_PER_ITEM if most is None else most
    key, i, j = _ranked(logits, names)
    chosen = _chosen(key >> _HASH_BITS, i, j, top, most)
    ci, cj = i[chosen], j[chosen]
    # an item chosen in at most ``most`` pairs never has ``most`` before one of them: only the pairs
    # of the others are walked (best first), and their degrees counted; the rest are all kept
    busy = np.bincount(np.concatenate([ci, cj]), minlength=len(names)) > most
    walk = np.flatnonzero(busy[ci] | busy[cj])
    keep = np.ones(len(ci), dtype=bool)
    degree: dict[int, int] = {}
    for n, a, b in zip(walk.tolist(), ci[walk].tolist(), cj[walk].tolist(), strict=True):
        da, db = degree.get(a, 0), degree.get(b, 0)
        if da < most and db < most:
            degree[a], degree[b] = da + 1, db + 1
        else:
            keep[n] = False
    code = np.sort(ci[keep] * len(names) + cj[keep])  # in (i, j) order
    return list(zip((code // len(names)).tolist(), (code % len(names)).tolist(), strict=True))


def _chosen(rank: np.ndarray, i: np.ndarray, j: np.ndarray, top: int, most: int) -> np.ndarray:
    """Which of the ranked pairs (``rank``: best first, nondecreasing) either side chooses: its
    ``top`` best, and the pairs tied with its ``top``-th unless that tie makes it more than ``most``.

    Per item, over the pairs it is in, in rank order: its ``c``-th pair (from 0) is chosen when
    ``c < top``; the later ones of the rank of its ``top``-th are its tie, chosen all or none.

    >>> _chosen(np.array([0, 0, 1]), np.array([0, 0, 1]), np.array([1, 2, 2]), 1, 2).tolist()
    [True, True, False]
    """
    m = len(rank)
    if top < 1:
        return np.zeros(m, dtype=bool)
    ends = np.concatenate([i, j])
    at = np.concatenate([np.arange(m), np.arange(m)])
    order = np.lexsort((at, ends))  # by item, then by rank order
    ends, at = ends[order], at[order]
    starts = np.flatnonzero(np.concatenate([[True], ends[1:] != ends[:-1]]))
    sizes = np.diff(np.append(starts, len(ends)))
    c = np.arange(len(ends)) - np.repeat(starts, sizes)  # the how-many-th pair of its item
    chosen = np.zeros(m, dtype=bool)
    chosen[at[c < top]] = True
    has_last = sizes >= top  # the rank of the ``top``-th pair of each item that has one
    last = np.full(len(starts), -1, dtype=np.int64)
    last[has_last] = rank[at[starts[has_last] + top - 1]]
    group = np.repeat(np.arange(len(starts)), sizes)
    tie = (c >= top) & (rank[at] == last[group])
    fits = np.bincount(group[tie], minlength=len(starts)) <= most - top
    chosen[at[tie & fits[group]]] = True
    return chosen


def _ranked(logits: object, names: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs as (score rank << 32 | crc32 of "name name", i, j), sorted: the order ``cap_pairs``
    visits them in (best rounded score first, ties spread by the names' hash, then i, j).

    Computed over arrays: the rank once per distinct logit, the names' order once per item.
    """
    if hasattr(logits, "z"):
        i = np.asarray(logits.i, dtype=np.int64)  # type: ignore[attr-defined]
        j = np.asarray(logits.j, dtype=np.int64)  # type: ignore[attr-defined]
        z = np.asarray(logits.z, dtype=np.float64)  # type: ignore[attr-defined]
    else:
        items = list(logits.items() if isinstance(logits, Mapping) else logits)  # type: ignore[attr-defined]
        i = np.array([p[0][0] for p in items], dtype=np.int64)
        j = np.array([p[0][1] for p in items], dtype=np.int64)
        z = np.array([p[1] for p in items], dtype=np.float64)
    if not len(z):
        return z.astype(np.int64), i, j
    values, inverse = np.unique(z, return_inverse=True)  # logits repeat (pairs of one profile pair)
    ranks = [_SCALE - round(round(to_score(v), SCORE_DECIMALS) * _SCALE) for v in values.tolist()]
    rank = np.array(ranks, dtype=np.int64)[inverse.reshape(-1)]
    if all(map(str.__lt__, names, names[1:])):  # the finder's items are in IRI order: no ranking needed
        swap = i > j
    else:
        code = {n: c for c, n in enumerate(sorted(set(names)))}
        order = np.array([code[n] for n in names], dtype=np.int64)
        swap = order[i] > order[j]  # a = the pair's item with the smaller name (i on a tie)
    key = rank << _HASH_BITS | pair_crcs(names, np.where(swap, j, i), np.where(swap, i, j))
    by = np.lexsort((j, i, key))
    return key[by], i[by], j[by]
