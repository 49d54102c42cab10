"""Pure text helpers shared by the stages: folding, cleaning and sentence splitting.

``normalise`` turns decoded article text into the text every offset refers to:
NFKC-folded (full-width digits/Latin become ASCII), Simplified, without page
furniture (bylines, 来源/责编 lines, share buttons, lone numbers) or paragraphs
printed twice, and with sentences broken by hard line breaks joined again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from citykg.graph import lang
from citykg.graph.records import Sentence

#: a WordScanner looks up words by their first characters, at most this many
_KEY_LEN = 2

# A sentence ends at 。！？；! ? ; (plus any closing quotes/brackets) or at a line break.
_SENT_END = re.compile(r"[。！？!?；;]+[”’」』）)]*|\n+")

#: A line ending like this finishes its sentence (or is a lead-in such as "主要做法:").
_FINAL = set("。！？!?；;…:：”’」』)）】>》")
_HAN = re.compile(r"[\u3400-\u9fff]")

#: Lines that are page furniture, not article text (any Chinese news site has them).
_FURNITURE = re.compile(
    r"^\s*(?:[【\[]?\s*)?(?:"
    + lang.alternation("zh/ingest/field-labels.txt") + r"\s*[:：/]"
    r"|(?:" + lang.alternation("zh/ingest/furniture-lines.txt")[3:-1]
    + r"|" + lang.alternation("zh/ingest/site-labels.txt") + r"\s*[:：].*"
    r"|首页\s*[>»›/].*|[【\[]?字体\s*[:：]?\s*大.*|(?:扫一扫|扫码|长按).{0,12}|关注我们"
    r"|\d{1,4}|[\d\s/|·-]+|.{0,20}版权所有.*|.*(?:ICP备|未经授权|禁止转载).*)\s*[:：]?\s*[】\]]?\s*$"
    r")"
)
#: (责编:某某 校对:某某), (原载《某报》), 【打印本页】【关闭窗口】, a newspaper page header.
_NOTE_LINE = re.compile(
    r"^\s*(?:[(（]\s*" + lang.alternation("zh/ingest/note-labels.txt") + r"[^)）]*[)）]"
    r"|(?:\s*[【\[][^】\]]{1,8}[】\]])+"
    r"|\S{2,12}\s+\d{4}年\d{1,2}月\d{1,2}日(?:\s*星期.)?(?:\s+第?\s*\S{1,6}版)?)\s*$"
)

_DATE_LINE = re.compile(
    r"^\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
    r"\s*(?:来源\s*[:：]?)?\s*(?P<outlet>[^\s,，。]{0,16})\s*$"
)
_BYLINE = re.compile(r"(?:记者|通讯员|特约撰稿|实习生)\s*[/:：]?\s*\S")
_LIST_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．]|第[一二三四五六七八九十\d]+|#|——|-{2,}|[•·●▶■◆])"
)
_NUMBERED = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．])")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_LINK = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)")
_MD_EMPH = re.compile(r"(\*\*|__|`+)")


#: A sentence longer than this (a page with no full stops, a table flattened into one line) is
#: cut into pieces, so that per-sentence work stays bounded and extraction time linear in the text.
#: Real sentences are far shorter (the longest of the bundled and dev articles: about 200).
MAX_SENTENCE = 600
#: a line this short carrying a byline word (记者, 通讯员) is a byline, not text
_BYLINE_MAX = 40
#: a line shorter than this is a heading (never joined to the next line); up to the second
#: bound, a line without commas is one too (longer ones are sentences broken by the page)
_HEADING_MAX, _UNPUNCTUATED_HEADING_MAX = 20, 40
#: a paragraph printed twice is dropped only from this length (short lines such as 通知 repeat)
_REPEAT_MIN = 10
#: trailing lines shorter than this without a full stop are a sign-off or links, not text,
#: stripped while more than _KEEP_LINES lines remain (a very short article keeps them)
_SIGN_OFF_MAX, _KEEP_LINES = 25, 3
#: where an over-long sentence may be cut: after a clause mark, else after white space
_SOFT_BREAKS = ("，,、：:", " \t")


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with character offsets (end exclusive).

    Leading/trailing white space is trimmed from each sentence's span; empty
    pieces are dropped; a piece longer than ``MAX_SENTENCE`` is cut at a clause mark.

    >>> [s.text for s in split_sentences("第一句。第二句！\\n标题\\n")]
    ['第一句。', '第二句！', '标题']
    >>> [len(s.text) for s in split_sentences(("数据" * 100 + ",") * 5)]
    [402, 402, 201]
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
    while end - start > MAX_SENTENCE:
        cut = _soft_cut(text, start, start + MAX_SENTENCE)
        _append(out, text, start, cut)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        out.append(Sentence(index=len(out), start=start, end=end, text=text[start:end]))


_NUMBER_CHARS = "0123456789.,"


def _soft_cut(text: str, start: int, limit: int) -> int:
    """Where to cut ``text[start:]`` at or before ``limit``: after the last clause mark (or space)
    in the second half of the window, else at ``limit`` itself."""
    for marks in _SOFT_BREAKS:
        best = max(text.rfind(ch, start + (limit - start) // 2, limit) for ch in marks)
        if best >= 0:
            return best + 1
    cut = limit  # never right after a digit: 1253个 cut after its 1 would read as 253个
    while cut > start + 1 and text[cut - 1] in _NUMBER_CHARS:
        cut -= 1
    return cut if cut > start + 1 else limit


def trie_regex(words: list[str]) -> re.Pattern[str]:
    """A regex matching any of ``words``, longest first, built as a trie (fast to scan).

    >>> trie_regex(["通化", "通化市", "通化县", "辉南"]).findall("通化市和通化县、辉南、通化")
    ['通化市', '通化县', '辉南', '通化']
    """
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return re.compile(build(trie))


class WordScanner:
    """The leftmost-longest, non-overlapping occurrences of a fixed word list in a text: what
    ``trie_regex(words).finditer`` finds, looked up in a dict instead of a regex.

    Why not the regex: Python's engine tries a trie's top-level branches one after the
    other at every offset, so with the ~6,000 division names it cost a quarter of the
    extraction. Here each offset costs one dict lookup of the text's next ``key_len``
    characters (the shortest word's length, at most 2); only where a word starts with
    them are the lengths of those words tried, longest first. (An Aho-Corasick automaton,
    pyahocorasick, was slower still: its root node searches ~900 first characters linearly.)

    >>> WordScanner(["通化", "通化市", "通化县", "辉南"]).finditer("通化市和通化县、辉南、通化")
    [(0, 3, '通化市'), (4, 7, '通化县'), (8, 10, '辉南'), (11, 13, '通化')]
    """

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(w for w in words if w)
        self.key_len = min(_KEY_LEN, *map(len, self.words)) if self.words else _KEY_LEN
        lengths: dict[str, set[int]] = {}
        for w in self.words:
            lengths.setdefault(w[: self.key_len], set()).add(len(w))
        self.lengths = {k: sorted(ls, reverse=True) for k, ls in lengths.items()}

    def finditer(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, word): at each offset the longest word, then on from its end."""
        out: list[tuple[int, int, str]] = []
        get, words, k = self.lengths.get, self.words, self.key_len
        i, size = 0, len(text)
        stop = size - k + 1
        while i < stop:
            for n in get(text[i : i + k], ()):
                if i + n <= size and text[i : i + n] in words:
                    out.append((i, i + n, text[i : i + n]))
                    i += n
                    break
            else:
                i += 1
        return out


def occurrences(words: set[str] | list[str], text: str) -> dict[str, list[int]]:
    """Every start offset of every word in ``text`` (overlapping ones too).

    ``str.find`` per word: a document's few hundred names cost less this way than one
    regex compiled for them per document.

    >>> occurrences({"数据局", "数据局长", "局长"}, "市数据局长说,数据局")
    {'局长': [3], '数据局': [1, 7], '数据局长': [1]}
    """
    found: dict[str, list[int]] = {}
    for w in sorted({w for w in words if w}):
        pos = text.find(w)
        if pos >= 0:
            at = found[w] = []
            while pos >= 0:
                at.append(pos)
                pos = text.find(w, pos + 1)
    return found


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    """Characters only Traditional text uses (so Simplified text skips the converter).

    A character OpenCC's t2s table changes but which is also a Simplified character
    (乾 of 乾县, 于, 后) does not trigger the conversion on its own.
    """
    import opencc

    folder = Path(opencc.__file__).parent / "dictionary"

    def table(name: str) -> dict[str, str]:
        rows = (line.partition("\t") for line in (folder / name).read_text(encoding="utf-8").splitlines())
        return {k: v.split(" ") for k, _, v in rows if k}

    simplified = set(table("STCharacters.txt"))
    return frozenset(k for k, v in table("TSCharacters.txt").items() if k not in v and k not in simplified)


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


def fold(text: str) -> str:
    """NFKC-fold and convert Traditional to Simplified.

    >>> fold("２０２３年，數位政府ＡＰＰ")
    '2023年,数位政府APP'
    """
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u3000", " ").replace("\xa0", " ")
    if not _traditional_chars().isdisjoint(text):
        text = _t2s().convert(text)
    return text


def strip_markdown(line: str) -> str:
    """Markdown heading marks, emphasis, images and links reduced to their text.

    >>> strip_markdown("## 湘江之滨 **奋进** [有数](http://x)")
    '湘江之滨 奋进 有数'
    """
    line = _MD_HEADING.sub("", line)
    line = _MD_LINK.sub(lambda m: m.group(1) or "", line)
    return _MD_EMPH.sub("", line)


def is_furniture(line: str) -> bool:
    """A line of page furniture (来源/责编 lines, share buttons, lone numbers, bylines).

    >>> [is_furniture(x) for x in ["责编:王志宁", "分享到:", "0", "2024-12-21 14:39 大众网",
    ...                            "大众网记者 张迪 菏泽报道", "全市建成5G基站1959处。"]]
    [True, True, True, True, True, False]
    """
    s = line.strip()
    if not s:
        return True
    if _FURNITURE.match(s) or _DATE_LINE.match(s) or _NOTE_LINE.match(s):
        return True
    return len(s) <= _BYLINE_MAX and bool(_BYLINE.search(s)) and not any(c in s for c in "。!?;")


def _is_heading(line: str) -> bool:
    """A short line, or one without commas that is not long: a heading, never joined to the next line."""
    return len(line) < _HEADING_MAX or not ("," in line or "、" in line or len(line) >= _UNPUNCTUATED_HEADING_MAX)


def clean_lines(text: str, markdown: bool = False) -> list[str]:
    """Folded text -> content lines: furniture and repeated paragraphs dropped, broken lines joined.

    >>> t = "标题\\n来源:某报\\n今年7月,某市的综合金融服务平台从众多参评\\n\\n项目中脱颖而出,成功入选。\\n"
    >>> clean_lines(t + "热点新闻\\n项目中脱颖而出,成功入选。")
    ['标题', '今年7月,某市的综合金融服务平台从众多参评项目中脱颖而出,成功入选。']
    """
    lines = []
    for raw in text.splitlines():
        line = strip_markdown(raw) if markdown else _MD_HEADING.sub("", raw)
        line = re.sub(r"[ \t]+", " ", line).strip()
        if line and not is_furniture(line):
            lines.append(line)
    out: list[str] = []
    seen: set[str] = set()
    for line in lines:
        key = re.sub(r"\s+", "", line)
        if len(key) >= _REPEAT_MIN and key in seen:
            continue  # a paragraph printed twice
        seen.add(key)
        prev = out[-1] if out else None
        if (prev is not None and len(out) > 1 and prev[-1] not in _FINAL and not _is_heading(prev)
                and _HAN.match(line[0]) and not _LIST_START.match(line)):  # fmt: skip
            out[-1] = prev + line  # a sentence broken by a hard line break
        else:
            out.append(line)
    while (
        len(out) > _KEEP_LINES
        and len(out[-1]) < _SIGN_OFF_MAX
        and not any(c in out[-1] for c in "。!?;")
        and not _NUMBERED.match(out[-1])
    ):
        out.pop()  # trailing short lines (a site's sign-off, link lists) are not article text
    return out


def normalise(text: str, markdown: bool = False) -> str:
    """The normalised document text: folded, cleaned content lines joined by newlines."""
    return "\n".join(clean_lines(fold(text), markdown=markdown))
