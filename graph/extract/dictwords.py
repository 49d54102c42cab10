"""The words of jieba's dictionary (``dict.txt``) that division names are checked against, kept.

``places.is_common_word`` asks whether a short division name (和平, 开发) is an ordinary word:
its frequency and tag in jieba's dictionary. Reading the 349,000 lines of ``dict.txt`` took
0.3-0.5 CPU s in every build, an incremental one included (issue 15), for the entries of a few
thousand names. The entries of the gazetteer's names (``keep``) are kept beside jieba's own
cache (its temp folder), marshalled, under a key of the dictionary's bytes, the names and what
is read (``_key``): another jieba, an edited dictionary or other names read the file again. The
kept file carries a CRC of its data; an unreadable or damaged one is read again from
``dict.txt`` (and rewritten), so it can never change a result. Any other word is looked up in
the whole dictionary, read once (``jieba_words``).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
import zlib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

#: jieba dict.txt lines: word, frequency, tag; division short names are 2-4 characters
DICT_FIELDS, DICT_WORD = 3, (2, 4)
#: the kept file's name (``{key}``: ``_key``)
KEPT_NAME = "citykg-jieba-words.{key}.marshal"
#: what ``read_words`` keeps, as a number in the key: raise it when that changes
FORMAT = 1
#: hex digits of the key kept in the file name
KEY_CHARS = 16


#: the entries (None: not a word) of the names ``keep`` was given, from the kept file
_KNOWN: dict[str, tuple[int, str] | None] = {}


def lookup(word: str) -> tuple[int, str] | None:
    """(frequency, tag) of ``word`` in jieba's dictionary (None: not in it, or not 2-4 characters):
    from the kept entries of the division names (``keep``), else from the dictionary itself."""
    if word in _KNOWN:
        return _KNOWN[word]
    return jieba_words().get(word)


def keep(names: Iterable[str]) -> None:
    """Make ``lookup`` answer for ``names`` (a gazetteer's) from the kept file, read or written now."""
    import jieba

    names = sorted(set(names) - _KNOWN.keys())
    if not names:
        return
    path = Path(jieba.__file__).with_name("dict.txt")
    key = _key(path.read_bytes(), names)
    kept = Path(jieba.dt.tmp_dir or tempfile.gettempdir()) / KEPT_NAME.format(key=key)
    entries = _load(kept)
    if entries is None or set(entries) != set(names):
        words = jieba_words()
        entries = {n: words.get(n) for n in names}
        _save(kept, entries)
    _KNOWN.update(entries)


@lru_cache(maxsize=1)
def jieba_words() -> dict[str, tuple[int, str]]:
    """Word -> (frequency, tag) for the 2-4 character words of jieba's dictionary."""
    import jieba

    return read_words(Path(jieba.__file__).with_name("dict.txt"))


def read_words(path: Path) -> dict[str, tuple[int, str]]:
    """The words of a jieba dictionary file: ``word freq tag`` lines, words of ``DICT_WORD`` characters."""
    out: dict[str, tuple[int, str]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == DICT_FIELDS and DICT_WORD[0] <= len(parts[0]) <= DICT_WORD[1]:
                out[parts[0]] = (int(parts[1]), parts[2])
    return out


def _key(dictionary: bytes, names: list[str]) -> str:
    """What the kept entries are a function of: the dictionary's bytes, the names and the selection.

    >>> _key(b"a 1 n", ["a"]) == _key(b"a 1 n", ["a"]) != _key(b"a 2 n", ["a"]) != _key(b"a 1 n", ["b"])
    True
    """
    h = hashlib.sha256(dictionary)
    h.update(f"\0{DICT_FIELDS}\0{DICT_WORD}\0{FORMAT}\0{marshal.version}\0".encode())
    h.update("\n".join(names).encode())
    return h.hexdigest()[:KEY_CHARS]


def _load(kept: Path) -> dict[str, tuple[int, str] | None] | None:
    """The kept entries, or None when missing, unreadable or damaged."""
    try:
        crc, data = marshal.loads(kept.read_bytes())
        if crc != zlib.crc32(data):
            return None
        words = marshal.loads(data)
    except (OSError, ValueError, TypeError, EOFError):
        return None
    return words if isinstance(words, dict) else None


def _save(kept: Path, entries: dict[str, tuple[int, str] | None]) -> None:
    """Keep ``entries`` (temp file then rename; a folder that cannot be written keeps nothing)."""
    data = marshal.dumps(entries)
    tmp = kept.with_name(f".{kept.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(marshal.dumps((zlib.crc32(data), data)))
        os.replace(tmp, kept)
    except OSError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
