"""What the analogue finder knows about each item before any pair is scored.

Every item is cut once into what the pair features read: its name key (place
names removed), TF-IDF vectors of the name and of the evidence sentences, its
context facets, the concepts linked to its own in the schemes, and the flags
the penalties read (generic component, provincial list, the specifics its name
adds to its concept, a fragment of a fuller name in its own city). Initiatives
repeat from city to city, so each distinct text is vectorised once, and items
that agree on everything the score reads except city and province share one
*profile* number, so a pair of profiles is scored once (``analogues.Finder``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from citykg.graph.analogues import prepstore
from citykg.graph.analogues.data import AnalogueInput, ConceptInfo, Item
from citykg.graph.analogues.mechanisms import Reader
from citykg.graph.analogues.prepstore import ItemPrep
from citykg.graph.analogues.rules import MIN_CUE, fragments, read_name_concepts
from citykg.graph.analogues.score import CONTEXT_KEEP, GENERIC_HEADS, PROVINCIAL_WORDS
from citykg.graph.analogues.text import (
    FacetMatcher,
    TfIdf,
    Vector,
    char_ngrams,
    match_key,
    place_pattern,
    strip_places,
)

#: fields of an item's record (``prepstore.ItemPrep``; kept records are plain tuples)
_KEY, _NAMED, _CONTEXT, _FACETS, _FOLDED, _DOMAINS = (
    ItemPrep._fields.index(f) for f in ("key", "named", "context", "facets", "folded", "domains")
)
#: what a name adds to its concept counts as specifics from this many characters on (一件事 alone: none)
MIN_SPECIFICS = 2

@dataclass(slots=True)  # 80,000 at 2,000 articles: no per-object dict
class Prepared:
    """One item, ready to be compared."""

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
    does: dict[str, str] = field(default_factory=dict)  # what its sentences say it does: concept -> cue
    strength: float = 0.0  # how strong its own evidence is (``mechanisms.strength``), in logit units


@dataclass
class Preparation:
    """The prepared items of one dataset, and what scoring and blocking need besides."""

    prep: list[Prepared]
    profile: list[int]  # items with one profile score alike against anything
    shared: list[bool]  # is the item's profile held by another item too (worth memoising)?
    kind: list[int]  # what an item is, as ``analogue_select`` groups pairs: concepts, else name key
    name_model: TfIdf
    ctx_model: TfIdf
    facet_model: TfIdf
    matcher: FacetMatcher = field(repr=False)


def prepare(data: AnalogueInput, cache: Path | None = None, reuse: bool = False) -> Preparation:
    """Prepare every item of ``data`` (gives concept-less items the concepts their names name).

    ``cache``: a folder keeping what does not depend on the other items (``analogues.prepstore``);
    with ``reuse`` the records kept there for items with the same digest are taken, not recomputed.
    """
    items, concepts = data.items, data.concepts
    general = {iri: f for iri, f in data.facets.items() if f.kind not in Reader.KINDS}
    matcher = FacetMatcher.from_labels(general, {k: v for k, v in data.facet_labels.items() if k in general})
    if cache is None:
        records = _fresh(data, items, matcher)
    else:
        records = _kept_or_fresh(data, matcher, cache, reuse)
    for it, r in zip(items, records, strict=True):
        if r[_NAMED] and not it.concepts:
            it.concepts = set(r[_NAMED])
        if r[_DOMAINS]:  # a concept (read from the name or the sentences, too) brings its domain
            it.domains |= set(r[_DOMAINS])
    keys = [r[_KEY] for r in records]
    ctx_texts = [r[_CONTEXT] for r in records]
    # names and contexts repeat from city to city: each distinct text is cut into n-grams
    # and vectorised once, and its items share the vector (IDF still counts every item)
    name_model = TfIdf.fit_counts((char_ngrams(k), n) for k, n in Counter(keys).items())
    ctx_model = TfIdf.fit_counts((char_ngrams(t, (2,)), n) for t, n in Counter(ctx_texts).items())
    shared_facets: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
    found = []
    for r in records:
        facets = shared_facets.get(r[_FACETS])
        if facets is None:
            facets = dict(r[_FACETS])
            facets = shared_facets[r[_FACETS]] = shared_facets.setdefault(tuple(sorted(r[_FACETS])), facets)
        found.append(facets)
    # common facets (居民) weigh less; each distinct set of facets stands for the items holding it
    facet_model = TfIdf.fit_counts((Counter(list(f)), n) for f, n in _counted(found))
    name_vecs: dict[str, Vector] = {}
    ctx_vecs: dict[str, Vector] = {}
    facet_vecs: dict[int, Vector] = {}
    expanded: dict[frozenset[str], dict[str, tuple[str, str]]] = {}
    owns = [frozenset(it.concepts) for it in items]  # the items' concepts are final now
    prep: list[Prepared] = []
    for it, r, facets, own in zip(items, records, found, owns, strict=True):
        key, _, text, _, component, provincial, folded, specifics, exact, does, _, strength = r
        if key not in name_vecs:
            name_vecs[key] = name_model.vector(char_ngrams(key))
        if text not in ctx_vecs:
            ctx_vecs[text] = ctx_model.vector(char_ngrams(text, (2,)), keep=CONTEXT_KEEP)
        if id(facets) not in facet_vecs:
            facet_vecs[id(facets)] = facet_model.vector(Counter(list(facets)))
        if own not in expanded:  # a function of the concepts (items share the dict; nobody writes it)
            expanded[own] = _expand(it.concepts, concepts)
        prep.append(Prepared(key, name_vecs[key], ctx_vecs[text], facets, facet_vecs[id(facets)], expanded[own],
                             component, provincial, frozenset({folded, key}), specifics, False, frozenset(exact),
                             dict(does), strength))  # fmt: skip  (positional: 80,000 of them; field order)
    for n in fragments(items, keys):
        prep[n].fragment = True
    profile, shared = _profiles(items, prep, ctx_texts, [r[_FOLDED] for r in records], owns)
    kinds: dict[object, int] = {}
    kind = [kinds.setdefault(own or p.key, len(kinds)) for own, p in zip(owns, prep, strict=True)]
    return Preparation(prep, profile, shared, kind, name_model, ctx_model, facet_model, matcher)


def _counted(found: list[dict[str, str]]) -> list[tuple[dict[str, str], int]]:
    """The distinct dicts of ``found`` (by identity) with how many items hold each, in first-seen order."""
    count: dict[int, list[object]] = {}
    for f in found:
        entry = count.get(id(f))
        if entry is None:
            count[id(f)] = [f, 1]
        else:
            entry[1] += 1  # type: ignore[operator]
    return [(f, n) for f, n in count.values()]  # type: ignore[misc]


def _kept_or_fresh(data: AnalogueInput, matcher: FacetMatcher, cache: Path, reuse: bool) -> list[tuple[object, ...]]:
    """The items' records: kept ones (``reuse``) for the digests ``cache`` holds, the rest computed;
    the file is written again when enough records changed (``prepstore.worth_saving``)."""
    salt = prepstore.salt(data)
    digests = prepstore.item_digests(data)
    kept = prepstore.load(cache, salt) if reuse else {}
    missing = [n for n, d in enumerate(digests) if d not in kept]
    fresh = _fresh(data, [data.items[n] for n in missing], matcher)
    records = {d: kept[d] for d in digests if d in kept}
    stale = len(kept) - len(records)  # kept records no item has now
    records.update(zip((digests[n] for n in missing), map(tuple, fresh), strict=True))
    if prepstore.worth_saving(len(missing), stale, len(digests)):
        prepstore.save(cache, salt, records)
    return [records[d] for d in digests]


def _fresh(data: AnalogueInput, items: list[Item], matcher: FacetMatcher) -> list[ItemPrep]:
    """What ``prepare`` works out about each of ``items`` without the other items (``ItemPrep``);
    gives concept-less items the concepts their names name (``rules.read_name_concepts``)."""
    if not items:
        return []
    concepts = data.concepts
    components = {
        match_key(lab)
        for iri, labs in data.facet_labels.items()
        if data.facets[iri].kind == "component"
        for lab in labs
    }
    everywhere = place_pattern(tuple(data.all_place_names))  # compiled once, not per city
    keys = [
        strip_places(match_key(it.label), place_pattern(tuple(data.place_names.get(it.city, ()))), everywhere)
        for it in items
    ]
    read_name_concepts(items, keys, concepts)
    reader = Reader(data)
    folded = _FoldedQuotes()
    by_text: dict[str, tuple[tuple[str, str], ...]] = {}  # articles repeat sentences: each text is matched once
    out = []
    for it, key in zip(items, keys, strict=True):
        text = it.label + "。" + "".join(it.quotes)
        facets = by_text.get(text)
        if facets is None:
            hits = matcher.find(text).items()
            facets = by_text[text] = tuple((iri, cue) for iri, cue in hits if data.facets[iri].kind != "component")
        label = match_key(it.label)
        exact = tuple(sorted(c for c in it.concepts if c in concepts and {label, key} & concepts[c].names))
        does = reader.does(it)
        domains = {d for c in (*it.concepts, *does) if c in concepts for d in concepts[c].domains}
        out.append(ItemPrep(key=key, named=tuple(sorted(it.concepts)), context=_context_text(it, data, folded(it)),
                            facets=facets, component=key in components, provincial=_provincial(it.label, data.province_names),
                            folded=label, specifics=_specifics(it, key, concepts), exact=exact,
                            does=tuple(does.items()), domains=tuple(sorted(domains)),
                            strength=reader.strength(it, bool(exact), folded(it))))  # fmt: skip
    return out


def _profiles(items: list[Item], prep: list[Prepared], texts: list[str], folded: list[str],
              owns: list[frozenset[str]]) -> tuple[list[int], list[bool]]:  # fmt: skip
    """Number the items by everything ``Finder.quick_logit`` reads except their city and province.

    Initiatives repeat from city to city (一网通办 in hundreds of articles, often in
    the same sentence), so a pair of profiles already scored is looked up, not
    scored again; profiles held by one item only are not memoised (no gain).
    """
    ids: dict[tuple[object, ...], int] = {}
    profile: list[int] = []
    facets: dict[int, tuple[str, ...]] = {}  # items share their facet dicts: each sorted once
    for it, p, text, label, own in zip(items, prep, texts, folded, owns, strict=True):
        sig = (
            it.cls,
            own,  # frozenset(it.concepts)
            p.exact,
            frozenset(it.domains),
            frozenset(it.indicators),
            p.key,
            text,  # the context vector is a function of it
            facets.get(id(p.facets)) or facets.setdefault(id(p.facets), tuple(sorted(p.facets))),  # the facet vector too
            p.component,
            p.provincial,
            p.specifics,
            p.fragment,
            label == p.key,  # ``match_key`` of the label
            tuple(sorted(p.does)),
        )
        profile.append(ids.setdefault(sig, len(ids)))
    count = Counter(profile)
    return profile, [count[x] > 1 for x in profile]


def _provincial(label: str, province_names: list[str]) -> bool:
    """Does the name say it is a provincial list/platform (省级…, 全省…, 吉林省…)?

    Such a thing is the same programme only within one province (gold notes:
    provincial industrial-internet lists of different provinces are not analogues).

    >>> _provincial("省级标杆型智慧社区", []), _provincial("吉林省医药工业互联网平台", ["吉林省"])
    (True, True)
    """
    text = match_key(label)
    return (
        text.startswith("省")
        or any(w in text for w in PROVINCIAL_WORDS)
        or any(p in text for p in _folded(tuple(province_names)))
    )


@lru_cache(maxsize=8)
def _folded(names: tuple[str, ...]) -> tuple[str, ...]:
    """The folded names, once per list (``_provincial`` runs once per item)."""
    return tuple(match_key(n) for n in names)


def _specifics(item: Item, key: str, concepts: dict[str, ConceptInfo]) -> str:
    """The name key minus the longest label of its concept and generic words.

    Empty when the name is the concept itself (智慧社区, 城市生命线工程, 城市数智中心云底座平台:
    a 云底座平台 with generic words around it) or contains none of its labels. Two
    different non-empty specifics mark two different instances of one programme:
    就医付费一件事 vs 花卉产业一件事.
    """
    labels = [lab for c in item.concepts if c in concepts for lab in concepts[c].cues if lab]
    hits = [lab for lab in labels if lab in key and len(lab) >= MIN_CUE]
    if not hits:
        return ""
    rest = key.replace(max(hits, key=lambda x: (len(x), x)), "")
    for word in GENERIC_HEADS:
        rest = rest.replace(word, "")
    rest = re.sub(r"[\W_]", "", rest)  # @深圳-民意速办 -> 民意速办 + "@-": no specifics
    return rest if len(rest) >= MIN_SPECIFICS else ""


class _FoldedQuotes:
    """``match_key`` of an item's sentences joined, once per distinct list of sentences."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, ...], str] = {}

    def __call__(self, item: Item) -> str:
        key = tuple(item.quotes)
        text = self.seen.get(key)
        if text is None:
            text = self.seen[key] = match_key("".join(item.quotes))
        return text


def _context_text(item: Item, data: AnalogueInput, folded: str | None = None) -> str:
    """The item's evidence sentences without its own name and its city's place names
    (``folded``: ``match_key`` of the sentences joined, when the caller has it)."""
    names = [item.label, *data.place_names.get(item.city, ())]
    text = match_key("".join(item.quotes)) if folded is None else folded
    for n in sorted({match_key(x) for x in names if x}, key=len, reverse=True):
        text = text.replace(n, "")
    return text


def _expand(own: set[str], concepts: dict[str, ConceptInfo]) -> dict[str, tuple[str, str]]:
    """Concepts linked to the item's own in the schemes -> (own concept, link kind)."""
    out: dict[str, tuple[str, str]] = {}
    for c in sorted(own):
        info = concepts.get(c)
        if info is None:
            continue
        for kind in ("close", "related", "broader", "narrower"):
            for d in sorted(info.links.get(kind, ())):
                if d not in own:
                    out.setdefault(d, (c, kind))
    return out
