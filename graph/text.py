"""Pure text helpers shared by the stages: folding and sentence splitting with offsets."""

from __future__ import annotations

import re

from citykg.graph.records import Sentence

# A sentence ends at 。！？；! ? ; (plus any closing quotes/brackets) or at a line break.
_SENT_END = re.compile(r"[。！？!?；;]+[”’」』）)]*|\n+")


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with character offsets (end exclusive).

    Leading/trailing white space is trimmed from each sentence's span; empty
    pieces are dropped.

    >>> [s.text for s in split_sentences("第一句。第二句！\\n标题\\n")]
    ['第一句。', '第二句！', '标题']
    """
    out: list[Sentence] = []
    pos = 0
    for m in _SENT_END.finditer(text):
        _append(out, text, pos, m.end())
        pos = m.end()
    _append(out, text, pos, len(text))
    return out


def _append(out: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(index=len(out), start=start, end=end, text=text[start:end]))
