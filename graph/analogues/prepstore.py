"""The corpus-independent part of each item's preparation, kept across builds.

Most of what ``analogue_prepare`` works out about an item does not depend on the
other items: its name key (place names removed), the concepts its name names,
its context text, the context facets found in its name and sentences, what its
sentences say it does, how strong its evidence is. Only the TF-IDF models (the
item count and document frequencies) and what compares items (profiles,
fragments) depend on the whole corpus. An incremental build after one changed
article of 2,000 would compute the former again for 80,000 unchanged items, so
they are kept in the build's cache folder (``CACHE_NAME``) under a digest of
everything they read (``item_digests``: the item's own fields, the concepts it
links to, the dates and names of its articles' initiatives) and of what all
items read (``salt``: the analogue code, the place names, the facets, the
concepts names are matched against). A missing, damaged or foreign file is
ignored (and written again); a kept record is only ever used for an item whose
digest it was computed for, so results are those of a fresh preparation.

The file is ``MAGIC``, the salt, the sha256 of the payload, then the payload:
``marshal`` of {digest: record tuple}. The payload's digest is checked before it
is read, so a damaged file is never unmarshalled.
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

from citykg.graph.analogues.data import AnalogueInput, ConceptInfo
from citykg.graph.analogues.rules import name_cues

#: file of OUT/cache holding the kept records
CACHE_NAME = "analogue-prep.bin"
#: first line of the file: format name and version
MAGIC = b"citykg analogue-prep 1\n"
#: bytes of an item's digest (collisions among 10^5 items: ~10^-29)
DIGEST_BYTES = 16
#: the file is written again when the records computed anew or no longer used exceed this share of
#: the items (rewriting 34 MB at 2,000 articles costs ~0.3 s; preparing 1% of the items again ~0.05 s)
REWRITE_SHARE = 0.01


class ItemPrep(NamedTuple):
    """What ``prepare`` works out about one item without looking at the others."""

    key: str  # name key: folded, place names removed
    named: tuple[str, ...]  # concepts its name names (``rules.read_name_concepts``), for a concept-less item
    context: str  # its sentences without its name and its city's names (``prepare._context_text``)
    facets: tuple[tuple[str, str], ...]  # context facet -> cue, in the order found
    component: bool
    provincial: bool
    folded: str  # ``match_key`` of its label
    specifics: str
    exact: tuple[str, ...]
    does: tuple[tuple[str, str], ...]  # concept -> cue (``mechanisms.Reader.does``)
    domains: tuple[str, ...]  # domains its concepts and ``does`` bring
    strength: float


def _digest(value: object) -> bytes:
    return hashlib.blake2b(repr(value).encode(), digest_size=DIGEST_BYTES).digest()


def concept_digest(c: ConceptInfo) -> bytes:
    """A digest of everything of a concept the preparation may read."""
    links = sorted((k, sorted(v)) for k, v in c.links.items())
    return _digest((c.iri, c.scheme, c.label_zh, c.curated, links, sorted(c.names), sorted(c.cues), sorted(c.domains)))


def salt(data: AnalogueInput) -> str:
    """What every item's preparation reads besides its own: the analogue code, the Python version
    (``marshal``), place and province names, facets, the concepts names are matched against
    (``rules.name_cues``) and those the facets link to, and every curated concept."""
    h = hashlib.sha256(sys.version.encode())
    for f in sorted(Path(__file__).parent.glob("*.py")):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    places = sorted((k, sorted(v)) for k, v in data.place_names.items())
    h.update(_digest((places, sorted(data.all_place_names), sorted(data.province_names))))
    h.update(_digest(sorted((k, repr(v), sorted(data.facet_labels.get(k, ()))) for k, v in data.facets.items())))
    wanted = {c for cs in name_cues(data.concepts).values() for c in cs}
    for f in data.facets:
        if f in data.concepts:
            wanted |= {f, *data.concepts[f].links.get("close", ())}
    wanted |= {c.iri for c in data.concepts.values() if c.curated}
    for c in sorted(wanted):
        h.update(concept_digest(data.concepts[c]) if c in data.concepts else b"-" + c.encode())
    return h.hexdigest()


def item_digests(data: AnalogueInput) -> list[bytes]:
    """One digest per item of everything of it the preparation reads: label, class, city, concepts
    (and their own digests), sentences and the files they come from, its files' dates, and the
    names of the initiatives in the files of its sentences (``mechanisms.segments`` cuts at them)."""
    labels: dict[str, set[str]] = defaultdict(set)
    for it in data.items:
        for f in it.files:
            labels[f].add(it.label)
    named = {f: _digest(sorted(v)) for f, v in labels.items()}
    concepts = {k: concept_digest(c) for k, c in data.concepts.items()}
    dates = {f: d.date for f, d in data.documents.items()}
    out = []
    for it in data.items:
        own = sorted(it.concepts)
        sources = [it.quote_files.get(q, "") for q in it.quotes]
        files = sorted(it.files)
        out.append(_digest((
            it.label, it.cls, it.city, own, [concepts.get(c) for c in own], it.quotes, sources,
            files, [dates.get(f) for f in files], [named.get(f) for f in sources],
        )))  # fmt: skip
    return out


def load(folder: Path, want_salt: str) -> dict[bytes, tuple[object, ...]]:
    """The records kept in ``folder`` under ``want_salt`` (empty when missing, damaged or foreign),
    as plain tuples in ``ItemPrep``'s field order (80,000 ``ItemPrep`` objects cost ~0.2 s)."""
    try:
        raw = (folder / CACHE_NAME).read_bytes()
    except OSError:
        return {}
    at = raw.find(b"\n", len(MAGIC))  # the salt's line; then the checksum's (no copy of the payload)
    end = raw.find(b"\n", at + 1)
    if not raw.startswith(MAGIC) or at < 0 or end < 0 or raw[len(MAGIC) : at].decode("ascii", "replace") != want_salt:
        return {}
    check, payload = raw[at + 1 : end], memoryview(raw)[end + 1 :]
    if hashlib.sha256(payload).hexdigest().encode() != check:
        return {}
    try:
        table = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return {}
    return table if isinstance(table, dict) else {}


def worth_saving(missing: int, stale: int, items: int) -> bool:
    """Write the file again? When some records were computed anew (or some kept ones are no longer
    used) and they are more than ``REWRITE_SHARE`` of the items, or nothing was kept at all. Fewer
    are computed again by the next build too: cheaper than rewriting the whole file on every edit.

    >>> worth_saving(0, 0, 1000), worth_saving(5, 3, 1000), worth_saving(11, 0, 1000), worth_saving(1, 0, 1)
    (False, False, True, True)
    >>> worth_saving(0, 20, 1000), worth_saving(3, 0, 3)
    (True, True)
    """
    changed = missing + stale
    return changed > 0 and (changed > REWRITE_SHARE * items or missing == items)


def save(folder: Path, want_salt: str, records: dict[bytes, tuple[object, ...]]) -> None:
    """Keep ``records`` in ``folder`` (temp file, then rename: never a half-written file)."""
    from citykg.graph.cache import atomic_write  # graph.cache imports nothing of the analogues

    payload = marshal.dumps({k: tuple(v) for k, v in records.items()})
    check = hashlib.sha256(payload).hexdigest().encode()
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(folder / CACHE_NAME, MAGIC + want_salt.encode() + b"\n" + check + b"\n" + payload)
