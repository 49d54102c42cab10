"""Language knowledge as data: word lists under ``graph/lang/<lang>/`` loaded once, cached.

The extractor's rules are code; the words they match (head nouns, boundary words,
descriptors, stop lists ...) are reviewable text files, one entry a line, so a
reader can tell a rule from a patch and a user can teach citykg a new word
without editing Python (the way spaCy keeps ``spacy/lang/zh/`` apart from its
pipeline code).

File format (``.txt``): ``#`` starts a comment line (every file opens with a header
saying what the list is for and how it is used; a ``# -- ...`` line introduces a
group and says why its words are there); blank lines are ignored; an entry is
the text before an inline comment (two spaces or a tab, then ``#``). An entry
starting with ``re:`` is a regular-expression fragment, used as written; every
other entry is a literal word. ``.tsv`` files have tab-separated columns.

Entries keep the order of the file: alternations are tried in that order, so a
longer word is listed before a word it ends with.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

LANG_DIR = Path(__file__).parent
_INLINE_COMMENT = re.compile(r"(?:\t|\s{2,})#.*$")
REGEX_PREFIX = "re:"


class LangDataError(ValueError):
    """A language data file is missing or malformed (names the file and the line)."""


def _path(name: str) -> Path:
    path = LANG_DIR / name
    if not path.is_file():
        raise LangDataError(f"{path}: no such language data file")
    return path


@cache
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The entries of ``name`` (relative to ``graph/lang``), each split on tabs.

    >>> rows("zh/entities/heads.tsv")[0]
    ('Platform', 'APP')
    """
    out = []
    for line in _path(name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        entry = _INLINE_COMMENT.sub("", line).rstrip()
        out.append(tuple(col.strip() for col in entry.split("\t")))
    return tuple(out)


@cache
def words(name: str) -> tuple[str, ...]:
    """The entries of a one-column list, in file order (inner whitespace splits entries)."""
    return tuple(w for row in rows(name) for col in row for w in col.split())


@cache
def word_set(name: str) -> frozenset[str]:
    """The entries of a one-column list as a set (for membership tests)."""
    return frozenset(words(name))


def as_regex(entry: str) -> str:
    """One entry as a regex fragment: ``re:`` entries as written, words escaped.

    >>> as_regex("a+b"), as_regex("re:[^一]码")
    ('a\\\\+b', '[^一]码')
    """
    return entry[len(REGEX_PREFIX) :] if entry.startswith(REGEX_PREFIX) else re.escape(entry)


@cache
def alternation(name: str) -> str:
    """``(?:w1|w2|...)`` over the entries of ``name`` in file order."""
    return "(?:" + "|".join(as_regex(w) for w in words(name)) + ")"


@cache
def char_class(name: str) -> str:
    """``[...]`` of the single characters listed in ``name`` (entries may hold several)."""
    chars = "".join(dict.fromkeys("".join(words(name))))
    return "[" + re.escape(chars) + "]"


def data_files() -> list[Path]:
    """Every language data file (the build cache keys on their contents)."""
    return sorted(p for p in LANG_DIR.rglob("*") if p.suffix in (".txt", ".tsv") and p.is_file())
