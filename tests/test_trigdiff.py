"""Patching the previous build's store with the difference of two TriG files gives the store a scratch load gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.graph.build import build
from citykg.store import loading
from citykg.store.core import is_fresh, refresh_store
from citykg.store.summaries import GRAPH_SUMMARIES
from citykg.store.trigdiff import apply_diff, trig_diff

PREFIXES = "@prefix ex: <https://example.org/> .\n@prefix ck: <https://w3id.org/citykg/ontology#> .\n"
# A sentence of our own, added to one article so that its graph (and maybe some analogies) change.
EXTRA = "\n该市推进“一网通办”改革，全市政务服务事项网上可办率达到98%。\n"


def dataset(path: Path) -> tuple[set[ox.Quad], set[ox.NamedNode]]:
    store = ox.Store.read_only(str(path))
    return set(store), set(store.named_graphs())


def block(graph: str, *statements: str) -> str:
    """One graph block laid out as graph/rdf/trig.py writes it."""
    return PREFIXES + f"ex:{graph} {{\n" + "".join(f"\t{s}\n" for s in statements) + "}\n\n"


def memory(text: str) -> ox.Store:
    store = ox.Store()
    store.load(input=text.encode(), format=ox.RdfFormat.TRIG)
    return store


def test_a_rebuild_with_one_changed_article_patches_the_store_to_what_a_scratch_load_gives(
    built: Path, seed_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts, out = tmp_path / "texts", tmp_path / "out"
    shutil.copytree(seed_dir, texts)
    shutil.copytree(built, out)
    assert is_fresh(out / "citykg.trig", out / "store")
    changed = sorted(texts.glob("*.txt"))[2]
    changed.write_text(changed.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    patched: list[Path] = []
    real_patch = loading.patch
    monkeypatch.setattr(loading, "patch", lambda *a: (patched.append(a[0]), real_patch(*a))[1])
    old_trig = (out / "citykg.trig").read_bytes()

    build([texts], out, jobs=1)

    assert patched == [out / "store"], "the store step should have patched the previous store"
    assert (out / "citykg.trig").read_bytes() != old_trig
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    shutil.copy(out / "citykg.trig", scratch / "citykg.trig")
    refresh_store(scratch, force=True)
    got, want = dataset(out / "store"), dataset(scratch / "store")
    assert got[1] == want[1] and GRAPH_SUMMARIES in got[1]
    assert got[0] == want[0]
    assert is_fresh(out / "citykg.trig", out / "store")


def test_the_diff_turns_the_old_dataset_into_the_new_one(tmp_path: Path) -> None:
    old, new = tmp_path / "old.trig", tmp_path / "new.trig"
    keep = block("g1", "ex:a ck:label \"甲\" .")
    big = [f"ex:s{i} ck:score {i} ;\n\t\tck:label \"第{i}项\" ." for i in range(200)]
    old.write_text(keep + block("g2", "ex:b ck:label \"乙\" .") + block("big", *big[:100]) + block("big", *big[100:]),
                   encoding="utf-8")  # fmt: skip
    changed = [*big[:7], 'ex:s7 ck:score 70 ;\n\t\tck:label "第7项" .', *big[8:150], "ex:new ck:score 1 ."]
    new.write_text(keep + block("big", *changed[:120]) + block("big", *changed[120:]) + block("g3", "ex:c ck:x ex:d ."),
                   encoding="utf-8")  # fmt: skip
    diff = trig_diff(old, new, max_fraction=1.0)
    assert diff is not None
    assert diff.dropped == ["https://example.org/g2"]
    assert diff.graphs == sorted(f"https://example.org/{g}" for g in ("big", "g2", "g3"))
    # s7's score changed (its label did not), s150..s199 went away, ex:new and g3 came
    assert len(diff.removed) == 1 + 2 * 50 and len(diff.added) == 1 + 1 + 1
    store = memory(old.read_text(encoding="utf-8"))
    apply_diff(store, diff)
    want = memory(new.read_text(encoding="utf-8"))
    assert set(store) == set(want) and set(store.named_graphs()) == set(want.named_graphs())


def test_a_large_difference_or_a_foreign_layout_is_loaded_from_scratch(tmp_path: Path) -> None:
    old, new = tmp_path / "old.trig", tmp_path / "new.trig"
    old.write_text(block("g", *(f"ex:s{i} ck:score {i} ." for i in range(50))), encoding="utf-8")
    new.write_text(block("g", *(f"ex:s{i} ck:score {i + 1} ." for i in range(50))), encoding="utf-8")
    assert trig_diff(old, new) is None  # every statement changed: more than PATCH_MAX_FRACTION
    assert trig_diff(old, new, max_fraction=2.0) is not None  # changed bytes count both files
    new.write_text(PREFIXES + "ex:g { ex:s ck:score 1 . }\n", encoding="utf-8")  # one line: not the build's layout
    assert trig_diff(old, new, max_fraction=2.0) is None


def test_a_difference_with_blank_nodes_is_refused(tmp_path: Path) -> None:
    old, new = tmp_path / "old.trig", tmp_path / "new.trig"
    old.write_text(block("g", "ex:a ck:x _:b1 .", "ex:c ck:x 1 ."), encoding="utf-8")
    new.write_text(block("g", "ex:a ck:x _:b1 .", "ex:c ck:x 2 ."), encoding="utf-8")
    assert trig_diff(old, new, max_fraction=1.0) is not None  # the blank node's statement did not change
    new.write_text(block("g", "ex:a ck:x _:b2 .", "ex:c ck:x 2 ."), encoding="utf-8")
    assert trig_diff(old, new, max_fraction=1.0) is None
