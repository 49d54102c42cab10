"""Loading a dataset in parts gives the same store as loading it in one call."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.store.trigparts import bulk_load_parts, parts


def whole(path: Path, fmt: ox.RdfFormat) -> set[ox.Quad]:
    store = ox.Store()
    store.bulk_load(path=str(path), format=fmt)
    return set(store)


def loaded_in_parts(path: Path, fmt: ox.RdfFormat, size: int) -> tuple[set[ox.Quad], int]:
    store = ox.Store()
    n = bulk_load_parts(store, path, fmt, part_bytes=size)
    return set(store), n


def test_the_build_trig_splits_into_many_parts_with_the_same_quads(built_trig: Path) -> None:
    got, n = loaded_in_parts(built_trig, ox.RdfFormat.TRIG, 20_000)
    assert n >= 5  # one block per graph: ontology, schemes, divisions, each document, analogies
    assert got == whole(built_trig, ox.RdfFormat.TRIG)


def test_prefixes_declared_once_still_apply_to_later_parts(tmp_path: Path) -> None:
    f = tmp_path / "foreign.trig"
    lines = ["@prefix ex: <https://example.org/> .", "@prefix ck: <https://w3id.org/citykg/ontology#> ."]
    for i in range(40):
        if i == 20:  # a block of directives mid-file: a boundary; ex: is redeclared, ck: must carry over
            lines += ["@prefix ex: <https://example.net/> ."]
        lines += [f"ex:g{i} {{ ex:s{i} ck:label \"第{i}条\" . }}"]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(list(parts(f, ox.RdfFormat.TRIG, 200))) == 2
    got, _ = loaded_in_parts(f, ox.RdfFormat.TRIG, 200)
    assert got == whole(f, ox.RdfFormat.TRIG) and len(got) == 40
    assert ox.NamedNode("https://example.net/s39") in {q.subject for q in got}


def test_nquads_split_at_any_line(tmp_path: Path) -> None:
    f = tmp_path / "d.nq"
    f.write_text("".join(f"<https://e.org/s{i}> <https://e.org/p> \"{i}\" <https://e.org/g> .\n" for i in range(100)))
    got, n = loaded_in_parts(f, ox.RdfFormat.N_QUADS, 500)
    assert n > 5 and got == whole(f, ox.RdfFormat.N_QUADS)


def test_a_file_without_boundaries_is_one_part(tmp_path: Path) -> None:
    f = tmp_path / "one.ttl"
    f.write_text("@prefix ex: <https://example.org/> .\n" + "".join(f"ex:s{i} ex:p {i} .\n" for i in range(50)))
    assert len(list(parts(f, ox.RdfFormat.TURTLE, 10))) == 1


def test_a_broken_part_raises_a_syntax_error(tmp_path: Path) -> None:
    f = tmp_path / "bad.trig"
    f.write_text("@prefix ex: <https://example.org/> .\nex:g { ex:s ex:p ex:o . }\n"
                 "@prefix ex: <https://example.org/> .\nex:g { ex:s ex:p \n")  # fmt: skip
    with pytest.raises(SyntaxError):
        bulk_load_parts(ox.Store(), f, ox.RdfFormat.TRIG, part_bytes=10)


def test_refresh_store_loads_a_foreign_file_whose_split_would_break(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line starting with @prefix inside a multi-line literal: the parts fail, one call works."""
    from citykg.store.core import open_store

    f = tmp_path / "citykg.trig"
    body = "".join(f"ex:g {{ ex:s{i} ex:p {i} . }}\n" for i in range(30))
    f.write_text('@prefix ex: <https://example.org/> .\nex:g { ex:note ex:text """第一行\n'
                 '@prefix 不是指令 .\n第三行""" . }\n' + body, encoding="utf-8")  # fmt: skip
    import citykg.store.trigparts as tp

    assert len(list(tp.parts(f, ox.RdfFormat.TRIG, 10))) > 1  # the split would cut the literal
    with pytest.raises(SyntaxError):
        tp.bulk_load_parts(ox.Store(), f, ox.RdfFormat.TRIG, 10)
    monkeypatch.setattr(tp, "PART_BYTES", 10)
    store = open_store(tmp_path)
    rows = store.select("SELECT ?t WHERE { <https://example.org/note> <https://example.org/text> ?t }")
    assert rows == [{"t": "第一行\n@prefix 不是指令 .\n第三行"}]


def test_graph_digests_name_every_graph_and_change_only_with_its_text(built_trig: Path, tmp_path: Path) -> None:
    from citykg.store.trigparts import graph_digests

    digests = graph_digests(built_trig)
    store = ox.Store()
    store.bulk_load(path=str(built_trig), format=ox.RdfFormat.TRIG)
    assert set(digests) == {g.value for g in store.named_graphs()}
    text = built_trig.read_text(encoding="utf-8")
    graph = next(g for g in digests if "/doc/" in g)
    label = next(q.object for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
                 if isinstance(q.object, ox.Literal) and text.count(f'"{q.object.value}"') == 1)  # fmt: skip
    changed = tmp_path / "citykg.trig"
    changed.write_text(text.replace(f'"{label.value}"', f'"{label.value}（改）"', 1), encoding="utf-8")
    after = graph_digests(changed)
    assert {g for g in digests if digests[g] != after[g]} == {graph}
    changed.write_text(text.replace("\t", "  "), encoding="utf-8")  # not the build's layout
    with pytest.raises(ValueError, match="not a TriG file laid out"):
        graph_digests(changed)
