"""The kept dictionary entries of the division names answer as jieba's dictionary does."""

from __future__ import annotations

from pathlib import Path

import jieba
import pytest

from citykg.graph.extract import dictwords
from citykg.graph.extract.places import gazetteer
from citykg.graph.kb import load_kb


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No entry known in this process; kept files go to ``tmp_path``."""
    monkeypatch.setattr(dictwords, "_KNOWN", {})
    monkeypatch.setattr(jieba.dt, "tmp_dir", str(tmp_path))
    return tmp_path


def names() -> list[str]:
    gz = gazetteer(load_kb())
    return sorted({*gz.full, *gz.short})


def test_kept_entries_are_the_dictionary_s(fresh: Path) -> None:
    every = names()
    dictwords.keep(every)
    (kept,) = fresh.glob("citykg-jieba-words.*")
    words = dictwords.jieba_words()
    assert [dictwords.lookup(n) for n in every] == [words.get(n) for n in every]
    assert sum(dictwords.lookup(n) is not None for n in every) > 100  # real words among them (和平, 开发)
    dictwords._KNOWN.clear()
    dictwords.keep(every)  # read back from the kept file
    assert [dictwords.lookup(n) for n in every] == [words.get(n) for n in every]
    assert dictwords.lookup("数据") == words["数据"]  # not a division name: the dictionary itself
    assert kept.exists()


def test_a_damaged_kept_file_is_read_again(fresh: Path) -> None:
    some = names()[:50]
    dictwords.keep(some)
    (kept,) = fresh.glob("citykg-jieba-words.*")
    good = kept.read_bytes()
    kept.write_bytes(good.replace(b"ns", b"nx", 1) if b"ns" in good else good[:-3])
    dictwords._KNOWN.clear()
    dictwords.keep(some)
    words = dictwords.jieba_words()
    assert [dictwords.lookup(n) for n in some] == [words.get(n) for n in some]
    assert kept.read_bytes() == good  # rewritten


def test_an_unwritable_folder_keeps_nothing(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jieba.dt, "tmp_dir", str(fresh / "missing" / "folder"))
    some = names()[:20]
    dictwords.keep(some)
    words = dictwords.jieba_words()
    assert [dictwords.lookup(n) for n in some] == [words.get(n) for n in some]
