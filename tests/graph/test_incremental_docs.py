"""The docs step of a build takes the published build's ontology docs when they were made from
the same ontology files, code and library versions (and are intact); else it writes them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from citykg.graph.build import build


def test_the_docs_are_kept_when_their_inputs_are_the_same(tmp_path: Path, seed_dir: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from citykg import ontofiles

    corpus, out = tmp_path / "corpus", tmp_path / "out"
    shutil.copytree(seed_dir, corpus)
    build([corpus], out, jobs=1, analogues=False)
    first = {p.name: p.read_bytes() for p in (out / "ontology").iterdir()}
    assert set(first) == {"index.html", "citykg.owl"}
    written: list[Path] = []
    real = ontofiles.write_docs
    monkeypatch.setattr(ontofiles, "write_docs", lambda o: written.append(o) or real(o))
    build([corpus], out, jobs=1, analogues=False, incremental=True)
    assert written == [] and {p.name: p.read_bytes() for p in (out / "ontology").iterdir()} == first
    (out / "ontology" / "index.html").write_text("<p>edited</p>", encoding="utf-8")  # damaged: written again
    build([corpus], out, jobs=1, analogues=False, incremental=True)
    assert len(written) == 1 and b"<p>edited</p>" not in (out / "ontology" / "index.html").read_bytes()
    monkeypatch.setattr("citykg.graph.steps._docs_key", lambda: "another ontology")
    build([corpus], out, jobs=1, analogues=False, incremental=True)
    assert len(written) == 2
