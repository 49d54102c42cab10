"""Evidence quotes as users read them: the sentence, without injected spam words.

Republished articles carry spam words inserted mid-sentence by link farms (a data list:
``graph/lang/zh/metrics/evidence-spam.txt``). The quote shown to users (``ck:quote``) leaves
them out; the mention and its offsets (``ck:charStart``/``ck:charEnd``) keep pointing at the
normalised text, so a reader can always find the original.
"""

from __future__ import annotations

import re

from citykg.graph import lang

_SPAM_WORDS = lang.words("zh/metrics/evidence-spam.txt")
_SPAM = re.compile("|".join(map(re.escape, _SPAM_WORDS))) if _SPAM_WORDS else None


def without_spam(text: str) -> str:
    """``text`` without the injected spam words of the data list (what evidence quotes show).

    >>> without_spam("全市开云电竞推进公共数据共享")
    '全市推进公共数据共享'
    """
    return _SPAM.sub("", text) if _SPAM is not None else text


def quote(text: str, start: int, end: int, m_start: int, m_end: int) -> str:
    """``text[start:end]`` (a sentence) without spam words outside the mention ``text[m_start:m_end]``.

    >>> quote("甲开云电竞乙丙", 0, 7, 5, 6)
    '甲乙丙'
    """
    if _SPAM is None or _SPAM.search(text, start, end) is None:
        return text[start:end]
    return without_spam(text[start:m_start]) + text[m_start:m_end] + without_spam(text[m_end:end])
