"""The items' kept preparation (``analogues.prepstore``) gives what a fresh preparation gives.

``prepare`` keeps what it works out about each item without the other items in the
build's cache folder, under a digest of what the item's preparation reads, and a salt
of what every item's reads. These tests prepare the seeds' items fresh and from a
kept file: unchanged, after a change to the knowledge every item reads (a concept's
cue words, a facet's labels), to one item, with a damaged or foreign file, and
compare every prepared field, the profiles and what the items were given.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.graph.analogues import prepare as prepare_mod
from citykg.graph.analogues import prepstore
from citykg.graph.analogues.data import AnalogueInput, load_input
from citykg.graph.analogues.prepare import Preparation, prepare


@pytest.fixture(scope="module")
def seed_input(built_dataset: ox.Store) -> AnalogueInput:
    return load_input(built_dataset)


def _view(data: AnalogueInput, ready: Preparation) -> list[object]:
    """Everything ``prepare`` produced (vectors included) and what it gave the items, comparable."""
    rows: list[object] = [ready.profile, ready.shared, ready.kind]
    for it, p in zip(data.items, ready.prep, strict=True):
        rows.append((sorted(it.concepts), sorted(it.domains), p.key, p.name_vec, p.ctx_vec, list(p.facets.items()),
                     p.facet_vec, p.expanded, p.component, p.provincial, p.names, p.specifics, p.fragment,
                     p.exact, p.does, p.strength))  # fmt: skip
    return rows


def _prepared(data: AnalogueInput, cache: Path | None, reuse: bool = True) -> list[object]:
    fresh = copy.deepcopy(data)  # prepare writes the items' concepts and domains
    return _view(fresh, prepare(fresh, cache, reuse))


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many items each call of ``prepare._fresh`` prepares."""
    counts: list[int] = []
    real = prepare_mod._fresh
    monkeypatch.setattr(prepare_mod, "_fresh", lambda data, items, m: counts.append(len(items)) or real(data, items, m))
    return counts


def test_kept_records_give_the_fresh_preparation(seed_input: AnalogueInput, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    want = _prepared(seed_input, None)
    counts = _counting(monkeypatch)
    assert _prepared(seed_input, tmp_path, reuse=False) == want  # writes the file
    assert (tmp_path / prepstore.CACHE_NAME).exists()
    before = (tmp_path / prepstore.CACHE_NAME).stat().st_mtime_ns
    assert _prepared(seed_input, tmp_path) == want
    assert counts == [len(seed_input.items), 0]  # the second run prepared nothing itself
    assert (tmp_path / prepstore.CACHE_NAME).stat().st_mtime_ns == before  # nothing changed: not rewritten


def test_a_change_every_item_reads_prepares_every_item_again(seed_input: AnalogueInput, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    _prepared(seed_input, tmp_path, reuse=False)
    changed = copy.deepcopy(seed_input)
    facet = next(iri for iri, f in changed.facets.items() if f.kind not in ("mechanism", "status", "component"))
    changed.facet_labels[facet] = [*changed.facet_labels.get(facet, []), "平台"]  # now found in many names
    counts = _counting(monkeypatch)
    assert _prepared(changed, tmp_path) == _prepared(changed, None)
    assert counts[0] == len(changed.items)
    concept = next(c for c in changed.concepts.values() if c.curated and c.cues)
    concept.cues.add("数字")  # a cue word (names read it)
    counts.clear()
    assert _prepared(changed, tmp_path) == _prepared(changed, None)
    assert counts[0] == len(changed.items)


def test_a_changed_item_alone_is_prepared_again(seed_input: AnalogueInput, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    _prepared(seed_input, tmp_path, reuse=False)
    changed = copy.deepcopy(seed_input)
    item = next(it for it in changed.items if it.quotes)
    item.quotes = [*item.quotes, "该平台已全面上线运行，群众办事实现一次不跑。"]  # written for this test
    counts = _counting(monkeypatch)
    assert _prepared(changed, tmp_path) == _prepared(changed, None)
    assert counts[0] == 1


@pytest.mark.parametrize("damage", ["flip", "truncate", "foreign", "empty"])
def test_a_damaged_or_foreign_file_is_ignored_and_written_again(seed_input: AnalogueInput, tmp_path: Path,
                                                                damage: str) -> None:  # fmt: skip
    want = _prepared(seed_input, None)
    _prepared(seed_input, tmp_path, reuse=False)
    path = tmp_path / prepstore.CACHE_NAME
    raw = path.read_bytes()
    if damage == "flip":
        raw = raw[:-10] + bytes([raw[-10] ^ 1]) + raw[-9:]
    elif damage == "truncate":
        raw = raw[: len(raw) // 2]
    elif damage == "foreign":
        raw = raw.replace(prepstore.MAGIC, b"something else\n", 1)
    else:
        raw = b""
    path.write_bytes(raw)
    assert _prepared(seed_input, tmp_path) == want
    salt = prepstore.salt(seed_input)
    assert len(prepstore.load(tmp_path, salt)) == len(set(prepstore.item_digests(seed_input)))  # written again
