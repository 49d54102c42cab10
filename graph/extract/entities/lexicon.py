"""Lookups the entity extractor builds from the concept schemes (reforms, domains).

The schemes are data (``ontology/schemes/*.ttl``); this module turns them into
compiled matchers once per knowledge base: every reform label found in text, the
concept an entity name realizes, and the domain suggested by cue words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from citykg.graph import lang
from citykg.graph.ingest.text import trie_regex
from citykg.graph.kb import Concept, KnowledgeBase

QUOTES = "“”‘’「」『』\"'《》"
_FOLD = str.maketrans({**{q: None for q in QUOTES}, "＋": "+", "×": "x"})
_SPACE = re.compile(r"\s+")
#: labels whose key is remembered per process (a document compares each label several times)
LABEL_KEY_CACHE = 1 << 16


@lru_cache(maxsize=LABEL_KEY_CACHE)
def label_key(label: str) -> str:
    """The key a label is compared by: quotes and spaces removed, ＋ folded, Latin lower-cased
    (remembered: a pure function of the label).

    Labels come from text already normalised by ``ingest.text.fold`` (NFKC, Simplified);
    the key keeps punctuation other than quotes (a name's own ·, -), unlike the analogue
    finder's ``analogues.text.name_key``, which compares names across cities.

    >>> label_key("高效办成“一件事”")
    '高效办成一件事'
    >>> label_key("互联网＋政务服务")
    '互联网+政务服务'
    """
    return _SPACE.sub("", label.translate(_FOLD)).lower()


@dataclass
class Lexicon:
    """Compiled matchers over one knowledge base."""

    by_label: dict[str, Concept]  # label_key(label) -> reform concept (pref + alt labels)
    by_cue: dict[str, Concept]  # label_key(label) -> reform concept, hidden labels included
    categories: set[str]  # IRIs of category concepts (top concepts with narrower ones)
    label_re: re.Pattern[str] | None  # pref/alt labels of non-category concepts, longest first
    cue_re: re.Pattern[str] | None  # every reform label, for containment linking
    domain_re: re.Pattern[str] | None  # domain labels and hidden cue words
    domain_of_cue: dict[str, str]  # cue -> domain IRI
    cue_rank: dict[str, int]  # cue -> 2 for a domain's own label, 1 for a hidden cue word
    domain_iris: set[str]
    platform_by_label: dict[str, Concept]  # label_key(label) -> app/portal brand (schemes/platforms.ttl)
    platform_re: re.Pattern[str] | None  # brand labels of 3+ characters, matched anywhere
    body_by_label: dict[str, Concept]  # label_key(label) -> central or provincial body (bodies.ttl)
    national_body_re: re.Pattern[str] | None  # labels of the national bodies
    provincial_bodies: set[str]  # IRIs of the bodies named per province (省大数据局)
    brand_re: re.Pattern[str] | None  # app brands named after a place: 浙里办, 爱山东, 我的长沙
    province_names: list[tuple[str, str]]  # (name or short name, adcode) of every province


def _alternation(words: list[str]) -> re.Pattern[str] | None:
    """A case-insensitive matcher of ``words``, longest first, as a trie (a flat alternation
    of hundreds of labels is tried word by word at every position; a trie is not).

    >>> _alternation(["一网通办", "一网", "APP"]).findall("推行一网通办和一网统管App")
    ['一网通办', '一网', 'App']
    """
    words = sorted({w.lower() for w in words if w})
    if not words:
        return None
    return re.compile(trie_regex(words).pattern, re.IGNORECASE)


def build_lexicon(kb: KnowledgeBase) -> Lexicon:
    """Index the reform and domain schemes of ``kb`` (cached per knowledge base)."""
    return _build(_KBKey(kb))


class _KBKey:
    """Hash a KnowledgeBase by identity so lru_cache can hold it."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def __hash__(self) -> int:
        return id(self.kb)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _KBKey) and other.kb is self.kb


@lru_cache(maxsize=8)
def _build(key: _KBKey) -> Lexicon:
    kb = key.kb
    reforms = kb.reforms
    categories = {c.iri for c in reforms if not c.broader and c.narrower}
    by_label: dict[str, Concept] = {}
    by_cue: dict[str, Concept] = {}
    surface: list[str] = []
    for c in reforms:
        for lab in [c.pref_zh, *c.alt_zh]:
            if lab:
                by_label.setdefault(label_key(lab), c)
                by_cue.setdefault(label_key(lab), c)
                if c.iri not in categories:
                    surface.append(lab)
        for lab in c.hidden:
            by_cue.setdefault(label_key(lab), c)
    domain_of_cue: dict[str, str] = {}
    cue_rank: dict[str, int] = {}
    for d in kb.domains:
        for rank, labs in ((2, [d.pref_zh, *d.alt_zh]), (1, d.hidden)):
            for lab in labs:
                if lab and label_key(lab) not in domain_of_cue:
                    domain_of_cue[label_key(lab)] = d.iri
                    cue_rank[label_key(lab)] = rank
    platform_by_label = {label_key(lab): c for c in kb.platforms for lab in (c.pref_zh, *c.alt_zh) if lab}
    body_by_label = {label_key(lab): c for c in kb.bodies for lab in (c.pref_zh, *c.alt_zh) if lab}
    groups = {c.iri for c in kb.bodies if c.narrower}  # body:national, body:provincial
    provincial = {c.iri for c in kb.bodies if any(b.endswith("/provincial") for b in c.broader)}
    national = [lab for c in kb.bodies if c.iri not in groups | provincial for lab in (c.pref_zh, *c.alt_zh)]
    return Lexicon(
        platform_by_label=platform_by_label,
        platform_re=_alternation([lab for c in kb.platforms for lab in (c.pref_zh, *c.alt_zh) if len(lab) >= _PLATFORM_MIN]),
        body_by_label=body_by_label,
        national_body_re=_alternation(national),
        provincial_bodies=provincial,
        brand_re=brand_pattern(kb),
        province_names=sorted(
            ((n, a.adcode) for a in kb.areas.values() if a.level == "Province" or "Province" in a.levels
             for n in (a.name, *a.short_names)),
            key=lambda x: (-len(x[0]), x[0]),
        ),
        by_label=by_label,
        by_cue=by_cue,
        categories=categories,
        label_re=_alternation(surface),
        cue_re=_alternation(list(by_cue)),
        domain_re=_alternation(list(domain_of_cue)),
        domain_of_cue=domain_of_cue,
        cue_rank=cue_rank,
        domain_iris={d.iri for d in kb.domains},
    )


BRAND_FILE = "zh/entities/app_brands.tsv"
#: shortest platform label matched in running text (two-character app names are common words)
_PLATFORM_MIN = 3
#: lengths of the province and city names app brands are made from (浙, 粤 are abbreviations)
_BRAND_PLACE = (2, 4)
#: a cue this long classifies a name on its own; from _CUE_HEAD characters when it is the
#: name's head (its last characters); shorter cues must cover half the name
_CUE_ALONE, _CUE_HEAD = 4, 3
_HAN = r"[\u4e00-\u9fff]"


def brand_pattern(kb: KnowledgeBase) -> re.Pattern[str] | None:
    """Names of city and provincial apps built from the divisions: a place abbreviation (简称,
    ontology/abbreviations.ttl) + 1-2 characters + a brand suffix (浙里办, 渝快办, 皖事通), or a
    brand prefix + a province's or city's short name (爱山东, i深圳, 我的长沙); app_brands.tsv
    lists the affixes."""
    rows = lang.rows(BRAND_FILE)
    suffix = "".join(w for k, w in rows if k == "suffix")
    prefixes = [w for k, w in rows if k == "prefix"]
    abbrs = sorted({x for a in kb.areas.values() for x in a.abbreviations})
    places = sorted(
        {n for a in kb.areas.values() if a.level in ("Province", "City") for n in (a.name, *a.short_names)
         if _BRAND_PLACE[0] <= len(n) <= _BRAND_PLACE[1]},
        key=lambda n: (-len(n), n),
    )
    alts = []
    if abbrs and suffix:
        alts.append(f"[{''.join(abbrs)}]{_HAN}{{1,2}}[{re.escape(suffix)}]")
    if prefixes and places:
        alts.append("(?:" + "|".join(map(re.escape, prefixes)) + ")(?:" + trie_regex(places).pattern + ")")
    return re.compile("^(?:" + "|".join(alts) + ")$") if alts else None


def platform_for(lex: Lexicon, label: str) -> Concept | None:
    """The app brand a platform name is or starts with (爱山东APP威海分厅 -> 爱山东).

    The longest brand label at the start of the name wins."""
    key = label_key(label)
    for n in range(len(key), 1, -1):
        hit = lex.platform_by_label.get(key[:n])
        if hit is not None:
            return hit
    return None


def concept_for(lex: Lexicon, label: str) -> Concept | None:
    """The reform concept an entity name realizes: an exact label, else the longest label
    or cue word the name contains (a name is an instance of the concept it names)."""
    key = label_key(label)
    hit = lex.by_label.get(key)
    if hit is not None:
        return hit
    if lex.cue_re is None:
        return None
    best: Concept | None = None
    best_len = 0
    for m in lex.cue_re.finditer(key):
        c = lex.by_cue.get(m.group(0).lower())
        if c is not None and len(m.group(0)) > best_len and c.iri not in lex.categories:
            # a short cue counts when it covers a fair share of the name or is its head
            n = len(m.group(0))
            if n >= _CUE_ALONE or n * 2 >= len(key) or (n >= _CUE_HEAD and m.end() == len(key)):
                best, best_len = c, len(m.group(0))
    return best


def domain_for(lex: Lexicon, name: str, context: str = "") -> str | None:
    """The domain suggested by the cue words of ``name`` (first), else of its sentence.

    A domain's own label (文旅) beats a hidden cue word (大数据); then the longest cue
    wins; ties go to the earliest occurrence.
    """
    for text in (name, context):
        if not text or lex.domain_re is None:
            continue
        best: tuple[int, int] | None = None
        best_cue = ""
        for m in lex.domain_re.finditer(text):
            cue = m.group(0).lower()
            score = (lex.cue_rank.get(cue, 0), len(cue))
            if best is None or score > best:
                best, best_cue = score, cue
        if best is not None:
            return lex.domain_of_cue.get(best_cue)
    return None
