"""Dataset-level rules of the analogue finder: concepts read from names, name fragments, shared documents.

These look at all initiatives of one dataset at once (what else a city names, what
the schemes know), before any pair is scored:

- ``read_name_concepts``: an initiative the extraction linked to no concept gets the
  reform concepts its name names (scheme labels and cue words are data, so extending
  ontology/schemes/reforms.ttl extends this);
- ``fragments``: the shorter spans of one thing in one city (授权运营 next to
  公共数据授权运营), which should not pair on their own;
- ``shared_document``: one higher-level policy document cited in two cities.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from citykg.graph.analogues.data import NAMED_ONLY, ConceptInfo, Item
from citykg.graph.analogues.text import match_key, subsequence
from citykg.graph.records import EntityClass
from citykg.namespaces import SCHEME_REFORMS

MIN_CUE = 3  # shortest label/cue (folded characters) read from a name anywhere in it
SHORT_CUE = 2  # a shorter cue (亲清, 城码) counts when it is at least half of the name key (亲清在线)


def name_cues(concepts: dict[str, ConceptInfo]) -> dict[str, set[str]]:
    """Folded label or cue word -> reform concepts carrying it, below the top (categories are too broad)."""
    scheme = str(SCHEME_REFORMS)
    cues: dict[str, set[str]] = {}
    for c in concepts.values():
        if c.scheme == scheme and c.links.get("broader"):
            for cue in c.cues:
                if len(cue) >= SHORT_CUE:
                    cues.setdefault(cue, set()).add(c.iri)
    return cues


def read_name_concepts(items: Sequence[Item], keys: Sequence[str], concepts: dict[str, ConceptInfo]) -> None:
    """Give each item without concepts the concepts whose longest cue occurs in its name.

    Both the name key (place names removed: 爱山东APP威海分厅 -> 爱山东app分厅, cue APP分厅)
    and the full folded name (i深圳 is a brand, not a place) are read; the longest
    matching cue wins. Awards and policy documents are left alone.
    """
    cues = name_cues(concepts)
    if not cues:
        return
    pattern = re.compile("|".join(map(re.escape, sorted(cues, key=lambda w: (-len(w), w)))))
    for it, key in zip(items, keys, strict=True):
        if it.concepts or it.cls in NAMED_ONLY:
            continue
        found = [
            m.group(0)
            for t in sorted({key, match_key(it.label)})
            for n in range(len(t))
            if (m := pattern.match(t, n)) and (len(m.group(0)) >= MIN_CUE or 2 * len(m.group(0)) >= len(key))
        ]
        if found:
            longest = max(len(f) for f in found)
            it.concepts = {c for f in found if len(f) == longest for c in cues[f]}


def fragments(items: Sequence[Item], keys: Sequence[str]) -> set[int]:
    """Indices of items whose name is a fragment of a fuller name of the same thing in their city.

    Entity extraction may return several spans of one thing (授权运营, 数据授权运营,
    公共数据授权运营): same city, same class, a shared concept, and the shorter name's
    characters occur in order in the longer one. Only the fullest name should pair; of
    two equal name keys the longer label (then the smaller IRI) stays. A longer name
    that *starts* with the shorter one names a part or an instance of it (城市大脑 ->
    城市大脑交通系统), so the shorter one is kept then.
    """
    groups: dict[tuple[str, str, str], list[int]] = {}
    for n, it in enumerate(items):
        for c in it.concepts:
            groups.setdefault((it.city, it.cls, c), []).append(n)
    out: set[int] = set()
    for members in groups.values():
        if len(members) < 2:  # most: nothing to be a fragment of
            continue
        for x in members:
            kx, rank_x = keys[x], (-len(items[x].label), items[x].iri)
            for y in members:
                ky = keys[y]
                if x == y or len(kx) < 2 or len(ky) < len(kx):
                    continue
                if kx == ky:
                    if (-len(items[y].label), items[y].iri) < rank_x:
                        out.add(x)
                elif subsequence(kx, ky) and not ky.startswith(kx):
                    out.add(x)
    return out


def shared_document(a: Item, b: Item, key_a: str, key_b: str) -> bool:
    """One higher-level document cited in two cities: same title naming no place, same province.

    A provincial 实施意见 and a city's own one of that title are not each other's city
    work; two cities quoting one provincial document are not analogues either. (A key
    equal to the folded title means no place name was removed from it.)
    """
    return (
        a.cls == b.cls == EntityClass.PolicyDocument
        and key_a == key_b == match_key(a.label) == match_key(b.label)
        and a.province == b.province != ""
    )
