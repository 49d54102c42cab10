"""Unquoted 、-lists of named systems and local service scenarios.

News lists the systems a centre integrates and the scenarios a city devised without
quotes, closed by 等, a count and a cue noun:

    集成智慧公安、智慧消防、智慧交通等10余个业务系统        -> three Platforms
    打造了钓具企业开办、日租房管理、无花果全产业链服务等33个特色“一件事”场景 -> three Reforms

The same shape lists departments, fields, industries and technologies (公安、交通、城管等
39个部门的业务系统; 纺织服装、轮胎等行业级平台; 5G、大数据等), which are not entities. So
the rule is narrow: a system list needs items named alike (one shared naming prefix such as
智慧/掌上) right before 系统/平台; a scenario list needs the marker of a city's own design
(特色/创新/自选) before its 一件事/场景/主题服务 cue. The national standard packages listed before
高频/重点 (新生儿出生、企业开办、退休等“一件事”) are life events every city offers, not named
initiatives, and stay out. ``entities.py`` filters (generic words) and resolves the candidates.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from citykg.graph import lang
from citykg.graph.extract.entities.rules import HAN, Candidate, _lcut
from citykg.graph.records import EntityClass

_WORDS = lang.rows("zh/entities/list_words.tsv")  # the file says why each word is there


def _kind(kind: str) -> tuple[str, ...]:
    return tuple(w for k, w in _WORDS if k == kind)


def _alt(kind: str) -> str:
    return "(?:" + "|".join(re.escape(w) for w in _kind(kind)) + ")"


_COUNT = (
    rf"(?:[0-9]+|[一二三四五六七八九十百两几数多]+)(?:余|多)?{_alt('count_unit')}?|{_alt('count_word')}"
)
_MODS = _alt("modifier")
_LOCAL = _alt("local")
_PLATFORM_TAIL = re.compile(rf"^等(?:{_COUNT})?{_MODS}*{_alt('system')}(?![化性])")
_REFORM_TAIL = re.compile(
    rf"^等(?:{_COUNT})?{_MODS}*{_LOCAL}{_MODS}*"
    rf"(?:[“‘]?{_alt('scenario')}[”’]?{_alt('scenario_tail')}?|{_alt('scenario_bare')})"
)
# naming prefixes systems share (智慧公安、智慧消防): departments share none
_SYSTEM_PREFIX = _kind("prefix")
# verbs that open a list and run into its first item (打造了钓具企业开办)
_LEAD_VERB = re.compile(_alt("verb") + "[" + "".join(_kind("verb_particle")) + "]?")
_ITEM = re.compile(rf"^(?:(?!的)[{HAN}]){{2,12}}$")
# 在普惠金融、…, 全市钓具企业开办、…: a preposition or scope word, not part of the name
_LEAD_WORDS = frozenset(_kind("lead"))
_AND = re.compile(_alt("and"))
_RUN_BEFORE = re.compile(rf"[{HAN}、]+$")


def _first_item(chunk: str, prefix: str | None, at_boundary: bool) -> tuple[int, str] | None:
    """Offset (in ``chunk``) and text of the first item, without the verb that opens the list.

    >>> _first_item("集成智慧公安", "智慧", False), _first_item("打造了钓具企业开办", None, False)
    ((2, '智慧公安'), (3, '钓具企业开办'))
    >>> _first_item("今年全市新建", None, False) is None
    True
    >>> _first_item("全市钓具企业开办", None, True), _first_item("在线问诊", None, True)
    ((2, '钓具企业开办'), (0, '在线问诊'))
    """
    if prefix is not None:
        at = chunk.rfind(prefix)
        return (at, chunk[at:]) if at >= 0 and _ITEM.match(chunk[at:]) else None
    verbs = [m for m in _LEAD_VERB.finditer(chunk) if len(chunk) - m.end() >= 2]
    if "的" in chunk[:-2]:
        at = chunk.rindex("的", 0, len(chunk) - 2) + 1  # 覆盖全市的X: the name follows 的
    elif verbs:
        at = verbs[-1].end()
    elif at_boundary:
        at = 0  # the list opens the clause: nothing to trim
    else:
        return None
    for tok in _lcut(chunk[at:])[:-1]:
        if tok not in _LEAD_WORDS:
            break
        at += len(tok)
    return (at, chunk[at:]) if _ITEM.match(chunk[at:]) else None


def _shared_prefix(items: list[str]) -> str | None:
    """The naming prefix every item starts with (智慧公安、智慧消防 -> 智慧), else None."""
    for p in _SYSTEM_PREFIX:
        if all(it.startswith(p) and len(it) >= len(p) + 2 for it in items):
            return p
    return None


def listed(s_start: int, s_text: str, known: Callable[[str], str | None] = lambda _: None) -> list[Candidate]:
    """Items of unquoted 、-lists of named systems (Platform) and local scenarios (Reform).

    ``known`` gives the class a concept-scheme label implies (None for unknown names); a
    scenario item the scheme knows keeps that class.
    """
    out: list[Candidate] = []
    if "、" not in s_text or "等" not in s_text:
        return out
    pos = s_text.find("等")
    while pos > 0:
        tail = s_text[pos:]
        cls = EntityClass.Platform if _PLATFORM_TAIL.match(tail) else EntityClass.Reform if _REFORM_TAIL.match(tail) else None
        if cls is not None:
            out += _items(s_start, s_text, pos, cls, known)
        pos = s_text.find("等", pos + 1)
    return out


def _items(
    s_start: int, s_text: str, pos: int, cls: str, known: Callable[[str], str | None]
) -> list[Candidate]:
    """The items of the list that ends at ``pos`` (the 等), or [] when it is not a list of names."""
    run = _RUN_BEFORE.search(s_text, 0, pos)
    if run is None or "、" not in run.group(0):
        return []
    parts = run.group(0).split("、")
    last = _AND.split(parts[-1])
    if len(last) == 2 and _shared_prefix([*parts[1:-1], *last]) is not None:
        parts[-1:] = last  # 智慧消防及智慧交通: the last two items joined by 及
    rest = parts[1:]
    if not all(_ITEM.match(p) for p in rest):
        return []  # not a clean list of short names (a digit, a quote, a clause)
    prefix = _shared_prefix(rest)
    if cls == EntityClass.Platform and prefix is None:
        return []  # 公安、交通、城管等…系统: departments or fields, not named systems
    at_boundary = run.start() == 0 or s_text[run.start() - 1] in '，,；;：:（(“"‘ \n'
    first = _first_item(parts[0], prefix, at_boundary)
    spans: list[tuple[int, str]] = []
    if first is not None:
        spans.append((run.start() + first[0], first[1]))
    cursor = len(parts[0])
    for p in rest:
        cursor = run.group(0).index(p, cursor)  # after 、 or 及
        spans.append((run.start() + cursor, p))
        cursor += len(p)
    if len(spans) < 2:
        return []
    out = []
    for at, item in spans:
        item_cls = cls if cls == EntityClass.Platform else (known(item) or cls)
        out.append(Candidate(s_start + at, s_start + at + len(item), item, item_cls, "list"))
    return out
