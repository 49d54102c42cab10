"""Candidate entity spans from the conventions of Chinese government news.

Each rule proposes ``Candidate`` spans inside one sentence: titles in 《》, quoted
names (with the descriptor that follows them: “X”平台, “X”模式, “X”APP...)
(in ``entity_quotes``), and names ending in a head noun (…平台, …系统, …局, …项目, …奖); award phrases and
ministries are in ``entity_phrases``. Left boundaries of unquoted names are found on jieba tokens of
a short window before the head only, so the expensive step sees little text.
``entities.py`` filters, resolves and merges the candidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import jieba
from jieba import posseg

from citykg.graph import lang
from citykg.graph.records import ENTITY_CLASSES, EntityClass

#: the classes a candidate may carry: an entity class, or "" for a bare quote awaiting one
CANDIDATE_CLASSES = frozenset((*ENTITY_CLASSES, ""))

_ZH = "zh/entities/"  # the entity word lists under graph/lang
#: characters a name may reach left of its head noun (吉林省医药工业互联网平台 is 12; longer spans
#: are clauses); jieba tokenises only this window
NAME_REACH = 18

jieba.setLogLevel(60)
for _w, _freq, _tag in lang.rows(f"{_ZH}jieba_words.tsv"):
    jieba.add_word(_w, int(_freq), _tag)

HAN = r"\u4e00-\u9fff"
NAME_CH = rf"[{HAN}A-Za-z0-9+＋·]"


@dataclass
class Candidate:
    start: int  # offsets into the document text; [start, end) is the mention
    end: int
    label: str  # the name with quotes removed
    cls: str  # one of records.ENTITY_CLASSES
    source: str  # title | quote | concept | head | award | ministry | platform | list | bare | field
    core: str = ""  # for “X”+descriptor: the quoted brand X
    proposer: str = ""  # the registered proposer that produced it (graph.registry)

    def __post_init__(self) -> None:
        # the class vocabulary is closed: a rule can never hand rdfize a class it cannot map
        if self.cls not in CANDIDATE_CLASSES:
            raise ValueError(f"candidate {self.label!r}: {self.cls!r} is not an entity class")


# ---------------------------------------------------------------- class from a name's head



def _head_groups() -> list[tuple[re.Pattern[str], str]]:
    """heads.tsv as (end-anchored regex, class) groups in file order (consecutive lines of a class)."""
    groups: list[tuple[list[str], str]] = []
    for cls, entry in lang.rows(f"{_ZH}heads.tsv"):
        if not groups or groups[-1][1] != cls:
            groups.append(([], cls))
        groups[-1][0].append(lang.as_regex(entry))
    return [(re.compile("(?:" + "|".join(alts) + ")$"), cls) for alts, cls in groups]


_HEAD_RES = _head_groups()
#: names whose class (and label keys) are remembered per process (a document asks about each several times)
NAME_CACHE = 1 << 16
_HEAD_AT_END = re.compile(lang.alternation(f"{_ZH}head_nouns.txt") + "$")


def head_of(name: str) -> str:
    """The head noun a name ends with ('' when none).

    >>> head_of("信用综合服务平台"), head_of("市级重点实验室")
    ('综合服务平台', '实验室')
    """
    m = _HEAD_AT_END.search(name)
    return m.group(0) if m else ""


@lru_cache(maxsize=NAME_CACHE)
def class_of_name(name: str) -> str | None:
    """The class a name's head noun implies, or None (remembered: a pure function of the name).

    >>> class_of_name("智游文旅大数据平台"), class_of_name("市大数据局"), class_of_name("全程网办")
    ('Platform', 'Organization', 'Reform')
    >>> class_of_name("数字经济") is None
    True
    """
    for rx, cls in _HEAD_RES:
        if rx.search(name):
            return cls
    return None


# words that end a name when walking left from its head (boundary.txt says why each is there)
_BOUNDARY = lang.word_set(f"{_ZH}boundary.txt")
_LEVEL_PREFIX = lang.words(f"{_ZH}level_prefixes.txt")
_PLACE_LEVEL = lang.words(f"{_ZH}place_levels.txt")
_PUNCT = re.compile(rf"[^{HAN}A-Za-z0-9+＋·]")

_MEASURE_CHARS = {kind: chars for kind, chars in lang.rows(f"{_ZH}measure.tsv")}
_MEASURE = re.compile(
    rf"^(?:[{_MEASURE_CHARS['measure']}]{{1,2}}|[{_MEASURE_CHARS['numeral']}]+[{_MEASURE_CHARS['counted']}])$"
)


@lru_cache(maxsize=20000)
def _lcut(window: str) -> tuple[str, ...]:
    return tuple(jieba.lcut(window, HMM=False))


def tokenize(text: str, start: int) -> list[tuple[int, str]]:
    """jieba tokens of ``text`` with their document offsets (``text`` starts at ``start``)."""
    out = []
    pos = start
    for tok in _lcut(text):
        out.append((pos, tok))
        pos += len(tok)
    return out


def window_tokens(
    text: str, head_start: int, head_end: int, floor: int, max_len: int
) -> list[tuple[int, str]]:
    """Tokens of the short window before a head (jieba only ever sees these few characters)."""
    lo = max(floor, head_start - max_len - 2)
    return tokenize(text[lo:head_end], lo)


def left_boundary(tokens: list[tuple[int, str]], head_start: int, floor: int, max_len: int = NAME_REACH,
                  allow_and: bool = False) -> int:  # fmt: skip
    """Where the name whose head starts at ``head_start`` begins.

    ``tokens`` are the sentence's jieba tokens (document offsets). Walks left until
    a boundary word, punctuation, a number or measure word, ``floor`` or
    ``max_len`` characters; ``allow_and`` keeps 和 inside names that start with a
    level prefix (市工业和信息化局).

    >>> t = "通钢自信公司建设的吉林省医药工业互联网平台"
    >>> t[left_boundary(tokenize(t, 0), len(t) - 2, 0):]
    '吉林省医药工业互联网平台'
    """
    # the token holding head_start belongs to the name; walk from the one before it
    i = len(tokens) - 1
    while i >= 0 and tokens[i][0] >= head_start:
        i -= 1
    start = head_start
    if i >= 0 and tokens[i][0] + len(tokens[i][1]) > head_start:
        start = tokens[i][0]
        i -= 1
    while i >= 0:
        tpos, tok = tokens[i]
        if tpos < floor or head_start - tpos > max_len:
            break
        if tok in _BOUNDARY:
            nxt = tokens[i + 1][1] if i + 1 < len(tokens) else ""
            if allow_and and tok == "和" and i > 0 and not nxt.startswith(_LEVEL_PREFIX):
                # (a second full name after 和: 国家行政学院和中国…研究院 are two bodies)
                # 和 inside a body's name: a level or place word comes before it (市工业和信息化局)
                j = i - 1
                while j >= 0 and tokens[j][1] not in _BOUNDARY and not _PUNCT.search(tokens[j][1]):
                    if tokens[j][1].startswith(_LEVEL_PREFIX) or tokens[j][1].endswith(_PLACE_LEVEL):
                        start = tpos
                        break
                    j -= 1
                if start == tpos:
                    i -= 1
                    continue
            break
        if _PUNCT.search(tok) or _MEASURE.match(tok) or re.match(r"^[\d.]+$", tok):
            break
        start = tpos
        i -= 1
    return start


# ---------------------------------------------------------------- 《titles》

_TITLE = re.compile(r"《([^《》\n]{2,80})》")
_DOC_SUFFIX = re.compile(lang.alternation(f"{_ZH}doc_suffixes.txt") + r"(?:[(（][^()（）]{1,16}[)）])?$")


def titles(text: str, s_start: int, s_text: str) -> list[Candidate]:
    """《…》 titles of plans, opinions, measures and reports (not newspapers or books)."""
    out = []
    for m in _TITLE.finditer(s_text):
        inner = m.group(1).strip()
        if _DOC_SUFFIX.search(inner):
            # the exact title, inner quotes kept (《“数字通化”总体规划》); stray inner spaces dropped
            label = re.sub(rf"(?<=[{HAN}])\s+(?=[{HAN}])", "", inner)
            out.append(Candidate(s_start + m.start(1), s_start + m.end(1), label, EntityClass.PolicyDocument, "title"))
    return out


def clean_label(label: str) -> str:
    """Quotes removed, inner spaces between Han characters removed."""
    label = re.sub(r"[“”‘’「」『』\"]", "", label)
    return re.sub(rf"(?<=[{HAN}])\s+(?=[{HAN}])", "", label).strip()


_LEADING_VERBS = lang.word_set(f"{_ZH}leading_verbs.txt")
#: a leading verb is cut only when this many characters of name remain after it
_NAME_MIN_AFTER_VERB = 4
#: a verb inside a span cuts it when this many characters of name remain after it
_NAME_MIN_AFTER_CUT = 3
# verbs that belong inside names: what a platform or body does
_NAME_VERBS = lang.word_set(f"{_ZH}name_verbs.txt")


@lru_cache(maxsize=50000)
def leading_junk(label: str) -> int:
    """How many leading characters of a span are not part of the name: pronouns, adverbs,
    numerals, particles, and a clause ending in a verb (银行贷款注入|株洲飞马橡胶实业有限公司).

    Verbs that name what a system does (审批, 监测, 共享) stay inside names.

    >>> leading_junk("当他再来到市民中心"), leading_junk("银行贷款注入株洲飞马橡胶实业有限公司")
    (5, 6)
    >>> leading_junk("工程建设项目审批管理系统")
    0
    """
    n = 0
    pairs = [(p.word, p.flag) for p in posseg.lcut(label, HMM=False)]
    for w, flag in pairs[:-1]:
        rest = len(label) - n - len(w)
        if flag[:1] in ("r", "p", "c", "u", "d", "m", "q", "y", "e", "o", "t") or w in _BOUNDARY:
            n += len(w)
            continue
        if ((flag == "v" and len(w) >= 2 and w not in _NAME_VERBS) or w in _LEADING_VERBS) and rest >= _NAME_MIN_AFTER_VERB:
            n += len(w)
            continue
        break
    pos = 0
    for w, flag in pairs[:-1]:
        pos += len(w)
        if pos > n and flag == "v" and len(w) >= 2 and w not in _NAME_VERBS and len(label) - pos >= _NAME_MIN_AFTER_CUT:
            n = pos
    return n


# ---------------------------------------------------------------- head nouns (unquoted)

_CLAUSE = re.compile(r"[，,；;：:。]")
_FOR = re.compile(lang.alternation(f"{_ZH}purpose_cues.txt"))
_PLACE_AFTER = re.compile(lang.alternation(f"{_ZH}place_after.txt"))
#: most digits of a hotline number written before its name (12345, 962345)
_HOTLINE_DIGITS = 6
_HOTLINE_NO = re.compile(rf"\d{{5,{_HOTLINE_DIGITS}}}$")
#: a number right before a name is part of it when it has 3+ digits and is not a decimal or a
#: longer figure (19365改革, 885工作体系; 2.5万 or 1,200 are figures)
_NAME_NUMBER = re.compile(r"(?<![\d.,，])\d{3,6}$")
_NAME_NUMBER_MAX = 8
# verbs of making inside a span: what precedes them is the clause's object or subject,
# not the name (酱香白酒产业|建设|产业互联网平台); compounds like 建设项目 stay whole
_MAKING = lang.rows(f"{_ZH}making_verbs.tsv")
_MID_VERB = re.compile(
    "(?:" + "|".join(re.escape(w) for k, w in _MAKING if k == "verb") + ")"
    "(?!" + "|".join(re.escape(w) for k, w in _MAKING if k == "compound") + ")"
)


def _verb_cut(pre: str, clause: str = "") -> int:
    """Characters to drop from the front of a name's modifier ``pre`` (the text before its head):
    up to the last verb of making, when at least two characters of modifier follow it.
    建设 is also a noun inside names (数字政府建设一体化综合改革), so it cuts only when the
    clause before the span opens with 为/给/围绕/面向/针对 (围绕…产业建设…平台: build a
    platform for the industry).

    >>> _verb_cut("酱香白酒产业建设产业互联网", "为"), _verb_cut("数字政府建设一体化综合")
    (8, 0)
    >>> _verb_cut("工程建设项目审批管理", "为"), _verb_cut("施工许可实行")
    (0, 0)
    """
    cut = 0
    for m in _MID_VERB.finditer(pre):
        if m.group(0) == "建设" and not _FOR.search(clause):
            continue
        if m.start() > 0 and len(pre) - m.end() >= 2:
            cut = m.end()
    return cut


_HEAD_RE = re.compile(lang.alternation(f"{_ZH}name_heads.txt"))
# head + next character forming a longer word: not the end of a name
_NOT_HEAD = re.compile("^" + lang.alternation(f"{_ZH}not_heads.txt"))
_JU_WORD_START = frozenset("".join(lang.words(f"{_ZH}ju_word_starts.txt")))
_INSTITUTION_CENTRES = lang.words(f"{_ZH}institution_centres.txt")
#: lengths of a division name opening an institution's name (龙岗, 通化市, 龙岗区…)
_INSTITUTION_PLACES = (2, 3, 4)
#: characters from a head word read for a longer word that makes it no head (平台化, 局长, 奖补)
_NOT_HEAD_READ = 4


def _list_quote(text: str, s_start: int, end: int) -> bool:
    """True when the quote closing at ``end`` holds a 、-list (“三级平台、五级应用”城市大脑信息系统):
    the name after it is the head-noun name, not the quote's descriptor.

    >>> _list_quote("开发“三级平台、五级应用”城市大脑", 0, 13), _list_quote("开发“城市大脑”系统", 0, 8)
    (True, False)
    """
    if text[end - 1] != "”":
        return False
    opening = text.rfind("“", s_start, end - 1)
    return opening >= 0 and "、" in text[opening:end]


def headed(text: str, s_start: int, s_text: str, area_names: frozenset[str] = frozenset()) -> list[Candidate]:
    """Unquoted names that end in a head noun: 智游文旅大数据平台, 市自然资源局, …改革."""
    out = []
    for m in _HEAD_RE.finditer(s_text):
        if _NOT_HEAD.match(s_text[m.start() : m.start() + _NOT_HEAD_READ]):
            continue
        if m.group(0) == "局" and m.start() > 0 and s_text[m.start() - 1] in _JU_WORD_START:
            continue
        if _PLACE_AFTER.match(s_text, m.end()) and class_of_name(m.group(0)) == EntityClass.Organization:
            continue  # 学院街道, 大学路: a street or town named after a body is not the body
        hs, he = s_start + m.start(), s_start + m.end()
        cls = class_of_name(m.group(0)) or EntityClass.Organization
        if hs > s_start and text[hs - 1] in "”’」》“‘「":
            continue  # the quote rule owns “X”平台
        start = left_boundary(
            window_tokens(text, hs, he, s_start, NAME_REACH), hs, s_start, allow_and=cls == EntityClass.Organization
        )
        if start > s_start and text[start - 1] in "”’」》“‘「" and not _list_quote(text, s_start, start):
            continue  # “X”平台 belongs to the quote rule, unless the quote is a list it leaves alone
        if start < hs:
            start += min(leading_junk(text[start:he]), hs - start)
            start += _verb_cut(text[start:hs], _CLAUSE.split(text[s_start:start])[-1])
        if m.group(0) == "热线":
            num = _HOTLINE_NO.search(text, max(s_start, start - _HOTLINE_DIGITS), start)
            start = num.start() if num else start  # 12345亲民热线: the number is part of the name
        else:
            num = _NAME_NUMBER.search(text, max(s_start, start - _NAME_NUMBER_MAX), start)
            start = num.start() if num else start  # 19365改革, 885工作体系: a numbered name
        label = text[start:he]
        cls = class_of_name(label) or cls
        if label.endswith(_INSTITUTION_CENTRES) and (
            label.startswith(_PLACE_LEVEL) or any(label[:n] in area_names for n in _INSTITUTION_PLACES)
        ):
            cls = EntityClass.Organization  # 市城市运行管理中心, 龙岗区…运行管理中心: an institution of that place
        out.append(Candidate(start, he, label, cls, "head"))
    return out
