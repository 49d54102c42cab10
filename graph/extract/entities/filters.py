"""Precision filters of entity candidates: generic words, bodies without a name, short names.

``drop_reason`` says why a candidate is dropped (``citykg extract --explain`` shows it) or None.
The words they use are data (graph/lang/zh/entities: generic_words.txt, not_a_body.txt ...).
"""

from __future__ import annotations

import re
from functools import lru_cache

from jieba import posseg

from citykg.graph import lang
from citykg.graph.extract.entities.lexicon import (
    Lexicon,
    label_key,
)
from citykg.graph.extract.entities.rules import Candidate, head_of
from citykg.graph.kb import KnowledgeBase
from citykg.graph.records import EntityClass

_Z = "zh/entities/"  # the word lists under graph/lang (each file says why its words are there)
# modifier words that do not make a name on their own (…平台 preceded only by these is generic)
_GENERIC = lang.word_set(f"{_Z}generic_words.txt")
_SECOND_HEADS = lang.words(f"{_Z}generic_second_heads.txt")
_NOT_A_BODY = lang.word_set(f"{_Z}not_a_body.txt") | {""}
_LEVEL = re.compile("^" + lang.alternation(f"{_Z}levels.txt"))
_GOV_ORG = re.compile(lang.alternation(f"{_Z}government_heads.txt") + "$")
_STANDING_BODY = re.compile(lang.alternation(f"{_Z}standing_bodies.txt"))
_REFORM_OPENERS = lang.words(f"{_Z}reform_openers.txt")
_SPAM = re.compile(lang.alternation(f"{_Z}spam.txt"), re.IGNORECASE)
#: longest name a candidate may have (longer spans are clauses, not names)
MAX_NAME = 40
#: jieba POS tags of four-character idioms (大大提高); jieba also tags some nouns "i"
#: (无花果), so only four-character tokens count
_IDIOM_TAGS, _IDIOM_LEN = ("i", "l"), 4
_NATIONAL = lang.words(f"{_Z}national_prefixes.txt")
#: shortest core (after the level word) of a level-named platform (市一体化综合指挥平台)
_LEVEL_PLATFORM_CORE = 6
#: longest division name stripped from the front of a name (新疆维吾尔自治区 is 8)
_PLACE_PREFIX_MAX = 8
#: lengths of a division name that makes a name "placed" (通化, 吉林省, 黑龙江省, 内蒙古自治区 as 内蒙古…)
_PLACED_LENGTHS = (2, 3, 4, 5)
#: a quoted cue word this short alone is not a name (“一件事”)
_BARE_CUE_MAX = 3
#: shortest unquoted name, or core after its place (shorter: a generic word and a head, 服务平台)
_NAME_MIN = 4
#: shortest core of a government body or placed body after its place (大数据局; 数据局 is too generic)
_BODY_CORE_MIN = 3
#: shortest unquoted reform name (shorter: a generic phrase such as 深化改革, 推进改革)
_REFORM_MIN = 7
#: shortest standing body named without a level or place (…领导小组办公室)
_STANDING_BODY_MIN = 8


def _all_area_names(kb: KnowledgeBase) -> frozenset[str]:
    cached = getattr(kb, "_entity_area_names", None)
    if cached is None:
        cached = frozenset(n for a in kb.areas.values() for n in (a.name, *a.short_names) if len(n) >= 2)
        try:
            kb._entity_area_names = cached  # type: ignore[attr-defined]
        except AttributeError:  # pragma: no cover - slotted objects
            pass
    return cached


def _strip_place(label: str, area_names: frozenset[str]) -> str:
    """The name without a leading division name or level word (菏泽市大数据局 -> 大数据局)."""
    for n in range(min(_PLACE_PREFIX_MAX, len(label) - 1), 1, -1):
        if label[:n] in area_names:
            label = label[n:]
            break
    return _LEVEL.sub("", label)


def is_generic(label: str, cls: str, area_names: frozenset[str]) -> bool:
    """True for names made only of generic words (业务平台, 相关部门, 重点项目).

    >>> is_generic("业务平台", "Platform", frozenset())
    True
    >>> is_generic("智游文旅大数据平台", "Platform", frozenset())
    False
    """
    core = _strip_place(label, area_names)
    body = core[: len(core) - len(head_of(core))]
    # drop a two-character head word once more (服务平台 -> 服务)
    if cls != EntityClass.Reform and len(body) >= 2 and body[-2:] in _SECOND_HEADS:
        body = body[:-2] if len(body) > 2 else body
    if len(body) < 1:
        return True
    return _generic_body(body)


@lru_cache(maxsize=20000)
def _generic_body(body: str) -> bool:
    """True when every token of a name's modifier is generic: a listed word, a number, a count
    (三大), an adverb or idiom (大大提高: a phrase cut at a head noun, not a name)."""
    pairs = [(p.word, p.flag) for p in posseg.lcut(body, HMM=False) if p.word.strip()]
    return all(
        t in _GENERIC
        or t.isdigit()
        or re.fullmatch(r"[一二三四五六七八九十两]+大", t)
        or flag.startswith("d")
        or (flag[:1] in _IDIOM_TAGS and len(t) == _IDIOM_LEN)
        for t, flag in pairs
    )


def _drop_reason(c: Candidate, area_names: frozenset[str], lex: Lexicon) -> str | None:
    """Why a candidate is dropped by the precision filters (per rule source and class), or None."""
    label = c.label
    if len(label) < 2 or len(label) > MAX_NAME:
        return "length"
    if _SPAM.search(label):
        return "spam word"
    if c.source == "quote":
        key = label_key(label)
        if key in lex.by_cue and key not in lex.by_label and len(key) <= _BARE_CUE_MAX:
            return "bare cue word"  # “一件事” alone is not a name
        return None
    if c.source in ("title", "concept", "ministry", "bare", "platform"):
        return None
    if c.source == "list":  # 养老服务、医疗服务等…: generic service words are not names
        return "generic words" if is_generic(label, c.cls, area_names) else None
    core = _strip_place(label, area_names)
    if c.source == "award":
        return None if len(core) >= _NAME_MIN else "short award"
    return _drop_headed(c, label, core, area_names)


def _drop_headed(c: Candidate, label: str, core: str, area_names: frozenset[str]) -> str | None:
    """The filters of unquoted head-noun names (see ``_drop_reason``)."""
    placed = core != label and any(label[:n] in area_names for n in _PLACED_LENGTHS)
    if c.cls == EntityClass.Reform:
        if len(label) < _REFORM_MIN:
            return "short reform"
        return "reform opener" if label.startswith(_REFORM_OPENERS) else None
    if c.cls == EntityClass.Organization and _GOV_ORG.search(label):
        # a government body is named with its level or place: 市大数据局, 牡丹区大数据局
        body = core[: len(core) - len(head_of(core))]
        if core == label:  # no level or place: only a named standing body (…领导小组办公室)
            ok = len(label) >= _STANDING_BODY_MIN and bool(_STANDING_BODY.search(label))
            return None if ok else "body without level or place"
        return None if len(core) >= _BODY_CORE_MIN and body not in _NOT_A_BODY else "body without a name"
    if c.cls == EntityClass.Organization and (placed or (label.startswith(_NATIONAL) and len(core) >= _NAME_MIN)):
        return None if len(core) >= _BODY_CORE_MIN else "short placed name"  # 贵阳大数据集团, 国家行政学院
    if c.cls == EntityClass.Organization:
        if len(label) < _NAME_MIN or len(head_of(label)) >= len(label) - 1:
            return "short name"
        return "generic words" if is_generic(label, c.cls, area_names) else None
    if c.cls == EntityClass.Platform and placed and label.endswith(("平台", "系统", "服务网")):
        return None if len(core) >= _NAME_MIN else "short placed name"  # 陕西省一体化政务服务平台
    if c.cls == EntityClass.Platform and core != label and len(core) >= _LEVEL_PLATFORM_CORE and label.endswith("平台"):
        return None  # a level's own platform named in full: 市一体化综合指挥平台
    if is_generic(label, c.cls, area_names):
        return "generic words"
    if c.cls == EntityClass.Award:
        return None if len(core) >= _NAME_MIN else "short award"
    return None if len(label) >= _NAME_MIN else "short name"
