"""Language knowledge is data: the word lists under graph/lang load as documented, every list
says what it is for, and no long Chinese word list is left as a Python literal in the entity
extractor (a user teaches citykg a word by editing data, not code)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from citykg.graph import lang
from citykg.graph.extract import entities

ENTITY_CODE = sorted(Path(entities.__file__).parent.glob("*.py"))
DATA = lang.data_files()
CJK_WORD = re.compile(r"[\u4e00-\u9fff]+")
#: most CJK words one string or collection literal of the extractor may hold (a few words
#: inside a regex's structure, such as 从…到…, are part of a rule; a list is not)
MAX_CJK_WORDS = 6


def _literal_words(node: ast.AST) -> int:
    """CJK words in one literal: a string, or a set/tuple/list/dict of strings."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return len(CJK_WORD.findall(node.value))
    if isinstance(node, (ast.Set, ast.Tuple, ast.List)):
        return sum(_literal_words(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return sum(_literal_words(e) for e in [*node.keys, *node.values] if e is not None)
    if isinstance(node, ast.JoinedStr):
        return sum(_literal_words(v) for v in node.values)
    return 0


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for n in ast.walk(tree):
        if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and n.body:
            first = n.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


@pytest.mark.parametrize("path", ENTITY_CODE, ids=[p.name for p in ENTITY_CODE])
def test_no_long_cjk_word_list_in_entity_code(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in docs or not isinstance(node, (ast.Constant, ast.Set, ast.Tuple, ast.List, ast.Dict, ast.JoinedStr)):
            continue
        n = _literal_words(node)
        if n > MAX_CJK_WORDS:
            found.append(f"line {node.lineno}: {n} CJK words in one literal")
    assert not found, f"{path.name}: move these word lists to graph/lang/zh/: {found}"


def test_the_check_catches_a_word_list() -> None:
    """The scan above fails on the shape it is meant to catch."""
    tree = ast.parse('_X = re.compile(r"平台|系统|中枢|大脑|底座|专网|外网")\n_Y = {"建设", "打造", "搭建", "构建", "升级", "完善", "深化"}')
    counts = [_literal_words(n) for n in ast.walk(tree) if isinstance(n, (ast.Constant, ast.Set))]
    assert max(counts) > MAX_CJK_WORDS


@pytest.mark.parametrize("path", DATA, ids=[p.name for p in DATA])
def test_every_list_has_a_header_and_entries(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = [ln for ln in lines[:3] if ln.startswith("#")]
    assert header and len(" ".join(header)) > 40, f"{path.name}: start with a header saying what the list is for"
    name = path.relative_to(lang.LANG_DIR).as_posix()
    assert lang.rows(name), f"{path.name}: no entries"
    for entry in lang.words(name):
        if entry.startswith(lang.REGEX_PREFIX):
            re.compile(lang.as_regex(entry))  # a broken fragment fails here, naming the file


def test_loader_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "words.txt").write_text(
        "# what the list is for\n# -- a group: why\n平台  # inline why\n系统 中枢\n\nre:[^一]码\n", encoding="utf-8"
    )
    monkeypatch.setattr(lang, "LANG_DIR", tmp_path)
    for f in (lang.rows, lang.words, lang.alternation):
        f.cache_clear()
    try:
        assert lang.words("x/words.txt") == ("平台", "系统", "中枢", "re:[^一]码")
        rx = re.compile(lang.alternation("x/words.txt") + "$")
        assert rx.search("数据中枢") and rx.search("城市码") and not rx.search("一码")
        with pytest.raises(lang.LangDataError, match="no such language data file"):
            lang.rows("x/missing.txt")
    finally:
        for f in (lang.rows, lang.words, lang.alternation):
            f.cache_clear()
