"""Text statistics for the analogue finder: name keys, char n-gram TF-IDF, facets.

Pure helpers with no RDF in them, so they are easy to test and to reuse. Names
are compared after removing place names (威海市城市运行管理服务平台 ->
城市运行管理服务平台) and quotes; contexts are the evidence sentences around the
mentions. Vectors are sparse dicts, L2-normalised, weighted by smoothed IDF
over the corpus being compared, so common characters (智慧, 平台, 建设) count less.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

Vector = dict[str, float]
#: character n-gram lengths of the name and context vectors (Chinese words are mostly 2-3 characters)
NGRAM_SIZES = (2, 3)
#: matched characters from which an alignment counts in full (智能导办 ~ 智能办 matches 3: damped)
ALIGN_FULL_MATCH = 6

_STRIP = re.compile(r"[\s“”\"'‘’《》「」『』〈〉()（）\[\]【】·•・,，、:：;；!！?？。.]+")


def match_key(text: str) -> str:
    """The key names are matched by across cities: NFKC, lower case, no quotes, brackets or punctuation.

    Stricter than the extractor's ``entities.lexicon.label_key``: two cities write one name
    with different punctuation (智慧株洲·诸事达 / 智慧株洲诸事达).

    >>> match_key("“智慧株洲·诸事达”App")
    '智慧株洲诸事达app'
    """
    return _STRIP.sub("", unicodedata.normalize("NFKC", text)).lower()



def strip_places(text: str, *patterns: re.Pattern[str] | None) -> str:
    """Remove the matches of each place pattern in turn (see ``place_pattern``)."""
    for pattern in patterns:
        if pattern is not None:
            text = pattern.sub("", text)
    return text


def name_key(label: str, place_names: Iterable[str]) -> str:
    """The part of a name that says *what* it is: folded, with place names removed.

    Longest names are removed first, so 威海市 goes before 威海.

    >>> name_key("威海市城市运行管理服务平台", ["威海", "威海市"])
    '城市运行管理服务平台'
    >>> name_key("爱山东APP威海分厅", ["威海", "威海市"])
    '爱山东app分厅'
    """
    pattern = place_pattern(tuple(sorted(set(place_names))))
    key = match_key(label)
    return pattern.sub("", key) if pattern is not None else key


@lru_cache(maxsize=4096)
def place_pattern(place_names: tuple[str, ...]) -> re.Pattern[str] | None:
    """One compiled alternation of the folded names (two characters or more), longest first."""
    names = sorted({match_key(n) for n in place_names if len(match_key(n)) >= 2}, key=lambda n: (-len(n), n))
    return re.compile("|".join(map(re.escape, names))) if names else None


def char_ngrams(text: str, sizes: Sequence[int] = NGRAM_SIZES) -> Counter[str]:
    """Character n-grams of ``text`` (a single character counts when the text is that short).

    >>> sorted(char_ngrams("绿波带"))
    ['波带', '绿波', '绿波带']
    """
    grams: Counter[str] = Counter()
    for n in sizes:
        for i in range(len(text) - n + 1):
            grams[text[i : i + n]] += 1
    if not grams and text:
        grams[text] += 1
    return grams


@dataclass
class TfIdf:
    """Smoothed IDF over a corpus of n-gram bags; ``vector`` makes unit-length sparse vectors."""

    df: Counter[str] = field(default_factory=Counter)
    n_docs: int = 0

    @classmethod
    def fit(cls, bags: Iterable[Counter[str]]) -> TfIdf:
        model = cls()
        for bag in bags:
            model.n_docs += 1
            model.df.update(bag.keys())
        return model

    @classmethod
    def fit_counts(cls, bags: Iterable[tuple[Counter[str], int]]) -> TfIdf:
        """Like ``fit``, with each bag standing for ``n`` documents (a text repeated n times).

        >>> TfIdf.fit_counts([(Counter("ab"), 2)]) == TfIdf.fit([Counter("ab"), Counter("ab")])
        True
        """
        model = cls()
        for bag, n in bags:
            model.n_docs += n
            for term in bag:
                model.df[term] += n
        return model

    def idf(self, term: str) -> float:
        return math.log((1 + self.n_docs) / (1 + self.df.get(term, 0))) + 1.0

    def vector(self, bag: Counter[str], keep: int | None = None) -> Vector:
        """Unit-length TF-IDF vector; ``keep``: only the highest-weighted terms (bounds the cost).

        >>> model = TfIdf.fit([Counter("ab"), Counter("ac")])
        >>> sorted(model.vector(Counter("ab"), keep=1))
        ['b']
        """
        vec = {t: (1.0 + math.log(c)) * self.idf(t) for t, c in bag.items()}
        if keep is not None and len(vec) > keep:
            vec = dict(sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[:keep])
        norm = math.sqrt(math.fsum(v * v for v in vec.values()))
        return {t: v / norm for t, v in vec.items()} if norm else {}


def cosine(a: Vector, b: Vector) -> float:
    """Dot product of two unit vectors.

    >>> round(cosine({"a": 0.6, "b": 0.8}, {"b": 1.0}), 2)
    0.8
    """
    # the intersection runs in C; fsum makes the result independent of set order (hash seeds)
    return math.fsum(a[t] * b[t] for t in a.keys() & b.keys())


def contains_ratio(a: str, b: str) -> float:
    """len(shorter)/len(longer) when one key contains the other, else 0.

    >>> contains_ratio("智慧交通", "智慧交通系统")
    0.6666666666666666
    >>> contains_ratio("智慧交通", "智慧消防")
    0.0
    """
    if not a or not b:
        return 0.0
    short, long_ = sorted((a, b), key=len)
    return len(short) / len(long_) if short in long_ else 0.0


def aligned(a: str, b: str) -> float:
    """How far two names agree character by character in order, in [0, 1].

    (SequenceMatcher ratio - 0.5) / 0.5, damped when fewer than ``ALIGN_FULL_MATCH`` characters match,
    since 智能导办 ~ 智能办 says less than 四星级新型智慧城市 ~ 四星级成长型智慧城市.

    >>> round(aligned("四星级新型智慧城市", "四星级成长型智慧城市"), 2)
    0.68
    >>> round(aligned("智能导办", "智能办"), 2)
    0.36
    >>> aligned("5g智慧滑雪", "5g+智慧矿井项目") < 0.1
    True
    """
    if not a or not b:
        return 0.0
    sm = SequenceMatcher(None, a, b, autojunk=False)
    matched = sum(block.size for block in sm.get_matching_blocks())
    return max(0.0, 2.0 * sm.ratio() - 1.0) * min(1.0, matched / ALIGN_FULL_MATCH)


def subsequence(short: str, long_: str) -> bool:
    """Do the characters of ``short`` occur in ``long_`` in order (not necessarily together)?

    >>> subsequence("公共数据运营", "公共数据授权运营")
    True
    >>> subsequence("智慧社区平台", "智慧社区")
    False
    """
    rest = iter(long_)
    return all(ch in rest for ch in short)


@dataclass(frozen=True)
class Facet:
    iri: str
    kind: str  # local name of the top concept: target-group, service-object, ...
    label_zh: str
    label_en: str


@dataclass
class FacetMatcher:
    """Finds facet concepts whose labels occur in a text (longest label first, no overlaps)."""

    facets: dict[str, Facet]
    cues: dict[str, str]  # folded cue word -> facet IRI
    pattern: re.Pattern[str] | None

    @classmethod
    def from_labels(cls, facets: dict[str, Facet], labels: dict[str, list[str]]) -> FacetMatcher:
        cues: dict[str, str] = {}
        for iri in sorted(labels):
            for lab in labels[iri]:
                if match_key(lab):
                    cues.setdefault(match_key(lab), iri)
        words = sorted(cues, key=lambda w: (-len(w), w))
        pattern = re.compile("|".join(map(re.escape, words))) if words else None
        return cls(facets=facets, cues=cues, pattern=pattern)

    def find(self, text: str) -> dict[str, str]:
        """Facet IRI -> the first cue word that matched it in ``text``."""
        found: dict[str, str] = {}
        if self.pattern is not None:
            for m in self.pattern.finditer(match_key(text)):
                found.setdefault(self.cues[m.group(0)], m.group(0))
        return found
