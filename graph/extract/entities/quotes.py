"""Quoted names: “X”, ‘X’, 「X」 and the descriptor that follows the closing quote.

Chinese government news quotes the names of reforms, platforms and campaigns:
“一网通办”, “爱山东”APP威海分厅, “5G智慧滑雪”项目, “市区深度融合”服务模式. The
descriptor after the quote gives the class; a quote with none is kept only when the
name itself looks like a reform, platform or city programme (slogans such as
“倍增效应” are dropped). Part of the span rules of ``entity_rules``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from citykg.graph import lang
from citykg.graph.extract.entities.rules import (
    HAN,
    Candidate,
    class_of_name,
    clean_label,
    left_boundary,
    window_tokens,
)
from citykg.graph.records import ENTITY_CLASSES, EntityClass

_QUOTE = re.compile(r"“([^“”\n]{1,32})”|‘([^‘’\n]{1,32})’|「([^「」\n]{1,32})」|\"([^\"\n]{1,32})\"")
_Z = "zh/entities/"  # the word lists under graph/lang (each file says why its words are there)
_APP = lang.alternation(f"{_Z}app_words.txt")
_SECTION = lang.alternation(f"{_Z}app_sections.txt")
_APP_TAIL = re.compile(rf"[{HAN}]{{0,6}}?{_APP}(?:[{HAN}]{{1,6}}?{_SECTION})?")
#: descriptor class meaning "the quoted name's own head decides" (never an entity class)
NAME_HEAD = "NameHead"


def _descriptor_groups() -> list[tuple[re.Pattern[str], str]]:
    """descriptors.tsv as (regex, class) groups in file order."""
    groups: list[tuple[list[str], str]] = []
    for cls, word in lang.rows(f"{_Z}descriptors.tsv"):
        if cls != NAME_HEAD and cls not in ENTITY_CLASSES:
            raise lang.LangDataError(f"descriptors.tsv: {cls!r} is not an entity class or {NAME_HEAD}")
        if not groups or groups[-1][1] != cls:
            groups.append(([], cls))
        groups[-1][0].append(lang.as_regex(word))
    return [(re.compile("|".join(alts)), cls) for alts, cls in groups]


_DESC = _descriptor_groups()
_LONG = lang.rows(f"{_Z}long_descriptors.tsv")
_LONG_DESC = re.compile(
    rf"(?:(?![等的和与及在为是])[{HAN}]){{1,10}}?(?:{'|'.join(w for w, _ in _LONG)})(?![化性师型])"
)
# heads of built or named things: the descriptor joins the name (…示范工程, …研究院)
_WHOLE_DESC = re.compile("(?:" + "|".join(w for w, kind in _LONG if kind == "whole") + ")$")
_REFORM_MORPH = re.compile(lang.alternation(f"{_Z}reform_morphemes.txt"))
# the reform words strong enough to make a listed phrase a reform (“一网通办、一网协同”);
# slogan pieces (前台综合受理、后台分类审批) end in a plain verb and are not reforms
_STRONG_MORPH = re.compile(lang.alternation(f"{_Z}strong_reform_morphemes.txt"))


def _award_verbs(where: str) -> str:
    """The award verbs of award_verbs.tsv that the rule ``where`` reads, as one alternation."""
    return "(?:" + "|".join(lang.as_regex(v) for v, w in lang.rows(f"{_Z}award_verbs.tsv") if w == where) + ")"


_AWARD_VERB = re.compile(_award_verbs("quote") + "[了为]?$")
_TONG_VERBS = lang.word_set(f"{_Z}tong_verbs.txt")
_AWARD_TAIL = re.compile(rf"^(?:(?![等的和与及])[{HAN}]){{0,4}}?{lang.alternation(f'{_Z}award_tails.txt')}")
_PLACE_TAIL = re.compile(rf"^[{HAN}]{{2,4}}?{_SECTION}")
_QUOTE_RUN = re.compile(r"(?:“[^“”]{1,32}”[、，,和及与]?)+$")
_RUN_AFTER = re.compile(rf"^(?:[、和及与]?“[^“”]{{1,32}}”)*{lang.alternation(f'{_Z}run_after.txt')}")
# named service packages listed before their cue: 推出“开办一家汽车维修店”“新能源汽车上牌”等“一件事”
_PACKAGE_AFTER = re.compile(
    rf"^(?:[、和及与]?“[^“”]{{1,32}}”)*等[{HAN}]{{0,4}}“?{lang.alternation(f'{_Z}package_cues.txt')}"
)
_GRADE_AFTER = re.compile("^" + lang.alternation(f"{_Z}grade_words.txt"))  # 获评“优秀”等次: a grade
_AWARD_QUAL = re.compile(lang.alternation(f"{_Z}award_qualifiers.txt") + "+$")
_TITLED = lang.rows(f"{_Z}titled_names.tsv")
_RANKED_TITLE = re.compile("(?:" + "|".join(w for w, k in _TITLED if k == "rank") + ")$")
_BECOME_TITLE = re.compile("(?:" + "|".join(w for w, k in _TITLED if k == "become") + ")$")
_CHANGE = re.compile(r"从“[^“”]{1,12}”到“[^“”]{1,12}”")  # 从“跑多次”到“不用跑”: a before/after slogan
_BECOME = re.compile(lang.alternation(f"{_Z}become_verbs.txt") + "$")
_APP_VERB = re.compile(lang.alternation(f"{_Z}app_verbs.txt") + "$")
_CUE_ONLY = lang.word_set(f"{_Z}cue_words.txt")
_GENERIC = lang.word_set(f"{_Z}generic_words.txt")  # quoted cue words that are parts of a name
_PROGRAMME_PREFIX = re.compile("^" + lang.alternation(f"{_Z}programme_prefixes.txt"))
# 一平台、一张图、一中心 / 一网通办、一网统管、一网协同: 3+ items each opened by a numeral
_ENUMERATION = re.compile(r"[一二三四五六七八九十两][\u4e00-\u9fff]{1,5}(?:、[一二三四五六七八九十两][\u4e00-\u9fff]{1,5}){2,}")
# a name made of digits (885, 19365): a name only together with the descriptor after it
_NUMBER_NAME = re.compile(r"\d{3,}")
_DESC_START = re.compile("|".join(rx.pattern for rx, _ in _DESC))
_BAD_INNER = re.compile(r"[，。；：！？,.;:!?、\s]|^[\dA-Za-z.%]+$")


#: characters left of a quote searched for the modifier of a tiny quoted word or of the
#: programme a standing body is named after (耕地保护“天眼”行动): a short modifier, not a clause
_MODIFIER_REACH = 8
#: shortest part of a +-joined quoted name: each part is a name of its own, not “5G+”
_PLUS_PART_MIN = 3
#: shortest long descriptor that joins the quoted name (示范工程; a two-character 平台 only classifies)
_WHOLE_DESC_MIN = 4
#: shortest name made of a tiny quoted word, its modifier and its descriptor (耕地保护“天眼”行动)
_SHORT_LABEL_MIN = 5
#: shortest quoted name that is a project when 建设 alone follows it (“数字政府”建设; “智慧”建设 is not)
_BUILT_PROJECT_MIN = 4
#: characters before a quote read for an award verb (获评, 荣获, 被评为)
_AWARD_VERB_REACH = 6
#: characters before a quote read for 成为 or an app verb (登录, 下载): the verb right before it
_VERB_REACH = 4
#: longest unclassified quoted word kept aside as a possible bare mention (longer ones are slogans)
_BARE_MAX = 12


@dataclass(frozen=True)
class _Quote:
    """One quoted span of a sentence and what the quote rules read around it.

    ``start``/``q_end`` are the document offsets of the quote marks, ``i_start``/``i_end``
    of the quoted text; ``after`` is the rest of the sentence after the closing mark."""

    text: str
    s_text: str
    m: re.Match[str]
    inner: str
    start: int
    q_end: int
    i_start: int
    i_end: int
    after: str
    numbered: bool  # a name of digits (19365) followed by a descriptor
    short: bool  # too short or generic to be a name without its modifier and descriptor
    known: Callable[[str], str | None]
    area_names: set[str] | frozenset[str]
    brand: re.Pattern[str] | None

    @property
    def s_start(self) -> int:
        """Document offset of the sentence (the left edge no name crosses)."""
        return self.start - self.m.start()


def quoted(text: str, s_start: int, s_text: str, area_names: set[str] | frozenset[str],
           known: Callable[[str], str | None] = lambda _: None,
           brand: re.Pattern[str] | None = None) -> list[Candidate]:  # fmt: skip
    """Quoted names, with the descriptor that follows the closing quote.

    ``brand`` matches the app brands named after a place (浙里办, 爱山东; see
    ``lexicon.Lexicon.brand_re``). Each quote goes through the rules of ``_RULES`` in
    order; the first that decides gives its candidates."""
    out: list[Candidate] = []
    changes = [(c.start(), c.end()) for c in _CHANGE.finditer(s_text)] if "从“" in s_text else []
    for m in _QUOTE.finditer(s_text):
        gi = next(i for i in range(1, _QUOTE.groups + 1) if m.group(i) is not None)
        inner = m.group(gi).strip()
        if any(a <= m.start() < b for a, b in changes) and not known(inner):
            continue  # 从“跑多次”到“不用跑”: the two ends of a change, not names
        numbered = _NUMBER_NAME.fullmatch(inner) is not None and _DESC_START.match(s_text, m.end()) is not None
        q = _Quote(text, s_text, m, inner, s_start + m.start(), s_start + m.end(), s_start + m.start(gi),
                   s_start + m.end(gi), s_text[m.end() :], numbered,
                   len(inner) <= 2 or inner in _CUE_ONLY or numbered,  # “19365”改革: the number needs its head
                   known, area_names, brand)  # fmt: skip
        for rule in _RULES:
            found = rule(q)
            if found is not None:
                out.extend(found)
                break
    return out


def _reform_like(name: str, known: Callable[[str], str | None]) -> bool:
    """A name made with a strong reform word (通办, 一网): “政策兑现”专区 stays a platform."""
    return known(name) in (None, EntityClass.Reform) and bool(_STRONG_MORPH.search(name))


def _modifier_start(q: _Quote) -> int:
    """Where the modifier before the quote begins (耕地保护 of 耕地保护“天眼”行动)."""
    tokens = window_tokens(q.text, q.start, q.start, q.s_start, _MODIFIER_REACH)
    return left_boundary(tokens, q.start, q.s_start, max_len=_MODIFIER_REACH)


def _listed(q: _Quote) -> list[Candidate] | None:
    """A 、-list inside one quote: a numbered enumeration is one reform, else the known parts."""
    inner, known = q.inner, q.known
    if _ENUMERATION.fullmatch(inner) and not any(known(x) for x in inner.split("、")):
        # “一平台、一张图、一中心”: a numbered enumeration is the name of one reform
        return [Candidate(q.i_start, q.i_end, inner, EntityClass.Reform, "quote")]
    if "、" not in inner or _BAD_INNER.search(inner.replace("、", "")):
        return None
    out: list[Candidate] = []
    pos = q.i_start
    listed_known = any(known(part) for part in inner.split("、"))
    for part in inner.split("、"):
        if len(part) >= 2:
            # named reforms (“一网通办、一网统管”), or reform-like words listed with one
            cls = known(part) or (EntityClass.Reform if listed_known and _STRONG_MORPH.search(part) else None)
            if cls:
                out.append(Candidate(pos, pos + len(part), part, cls, "quote"))
        pos += len(part) + 1
    return out


def _unusable(q: _Quote) -> list[Candidate] | None:
    """A quote of punctuation, a bare number or letters, or one character is no name."""
    return [] if (_BAD_INNER.search(q.inner) and not q.numbered) or len(q.inner) < 2 else None


def _joined(q: _Quote) -> list[Candidate] | None:
    """Names joined inside one quote, by + or by 与/和/及: each part is an entity."""
    parts = re.split(r"[+＋]", q.inner)
    classes = [class_of_name(x) for x in parts]
    out: list[Candidate] = []
    if len(parts) >= 2 and all(len(x) >= _PLUS_PART_MIN for x in parts) and sum(c is not None for c in classes) >= 2:
        # “数据安全监管平台+政务云密码体系+…平台”: named parts joined by +, each an entity;
        # a part without a head noun is of the kind of its named siblings
        sibling = next(c for c in classes if c)
        pos = q.i_start
        for x, c in zip(parts, classes, strict=True):
            out.append(Candidate(pos, pos + len(x), x, c or sibling, "quote"))
            pos += len(x) + 1
        return out
    pair = re.fullmatch(r"(.{3,}?)(?:与|和|及)(.{3,})", q.inner)
    if not (pair and class_of_name(pair.group(1)) and class_of_name(pair.group(2))):
        return None
    for g in (1, 2):
        st = q.i_start + pair.start(g)
        out.append(Candidate(st, st + len(pair.group(g)), pair.group(g), class_of_name(pair.group(g)) or "", "quote"))
    return out


def _tailed(q: _Quote) -> list[Candidate] | None:
    """What follows the closing quote makes the name: a grade, an app, an honour, a standing body."""
    after, inner = q.after, q.inner
    if _GRADE_AFTER.match(after):
        return []
    app = _APP_TAIL.match(after)
    if not app and _PLACE_TAIL.match(after) and not _reform_like(inner, q.known):
        # “粤省事”佛山专区: the local section of a provincial app; the entity is the app
        return [Candidate(q.i_start, q.i_end, clean_label(inner), EntityClass.Platform, "quote", core=clean_label(inner))]
    if app:
        end = q.q_end + app.end()
        return [Candidate(q.start, end, clean_label(q.text[q.start : end]), EntityClass.Platform, "quote",
                          core=clean_label(inner))]  # fmt: skip
    award = _AWARD_TAIL.match(after)
    if award and not q.known(inner):
        # “5G+工业互联网”应用标杆: the honour is the whole phrase
        end = q.q_end + award.end()
        return [Candidate(q.start, end, clean_label(q.text[q.start : end]), EntityClass.Award, "quote")]
    body = _LONG_DESC.match(after)
    if body and class_of_name(body.group(0)) == EntityClass.Organization and _WHOLE_DESC.search(body.group(0)):
        # 武汉市“数字政府”建设领导小组办公室: a standing body named after the programme it runs
        end = q.q_end + body.end()
        left = _modifier_start(q)
        return [Candidate(left, end, clean_label(q.text[left:end]), EntityClass.Organization, "quote")]
    return None


def _descriptor(q: _Quote) -> list[Candidate] | None:
    """A descriptor after the quote (平台, 改革, 示范工程) gives the class, or joins the name."""
    for rx, desc_cls in _DESC:
        d = rx.match(q.after)
        if d:
            if q.short and not q.after.startswith(("场景", "应用场景")):
                return _short_described(q, desc_cls, d.end())
            return _described(q, desc_cls, d.end())
    d = _LONG_DESC.match(q.after)
    if not d:
        return None
    cls = class_of_name(d.group(0)) or EntityClass.Reform
    if q.short or (len(d.group(0)) >= _WHOLE_DESC_MIN and _WHOLE_DESC.search(d.group(0))):
        # “蓝谷至胶东国际机场”智慧一级公路示范工程: the descriptor is part of the name
        end = q.q_end + d.end()
        left = _modifier_start(q) if q.short else q.start
        return [Candidate(left, end, clean_label(q.text[left:end]), cls, "quote")]
    # “亲清在线”新型政商服务平台: the brand names it; the descriptor gives the class
    return [Candidate(q.i_start, q.i_end, clean_label(q.inner), cls, "quote", core=clean_label(q.inner))]


def _short_described(q: _Quote, desc_cls: str, desc_len: int) -> list[Candidate]:
    """A tiny quoted word needs its modifier and descriptor to be a name: 耕地保护“天眼”行动."""
    left = _modifier_start(q)
    end = q.q_end + desc_len
    label = clean_label(q.text[left:end])
    cls = desc_cls if desc_cls != NAME_HEAD else (class_of_name(label) or EntityClass.Platform)
    return [Candidate(left, end, label, cls, "quote")] if len(label) >= _SHORT_LABEL_MIN else []


def _described(q: _Quote, desc_cls: str, desc_len: int) -> list[Candidate]:
    """The quoted name is the entity; the descriptor after it gives its class, with exceptions."""
    inner, known = q.inner, q.known
    inner_cls = class_of_name(inner)
    cls = desc_cls
    if desc_cls == NAME_HEAD:
        cls = known(inner) or _classify_bare(inner, q.area_names, q.brand) or EntityClass.Platform
    elif q.after.startswith("建设") and desc_len == len("建设"):
        cls = (
            known(inner)
            or _classify_bare(inner, q.area_names, q.brand)
            or (EntityClass.Project if len(inner) >= _BUILT_PROJECT_MIN else "")
        )
        if not cls:
            return []
    if desc_cls == EntityClass.Project and q.after.startswith("建设") and inner_cls:
        cls = inner_cls  # “X平台”建设 is still a platform
    if cls == EntityClass.Platform and desc_cls == EntityClass.Platform and inner_cls in (None, EntityClass.Reform) and _reform_like(inner, known):
        cls = EntityClass.Reform  # “一网统管”平台, “湾区通办”服务专区: the reform is what is named
    elif cls == EntityClass.Platform and desc_cls == EntityClass.Platform and known(inner) == EntityClass.Project:
        # “智慧社区”小程序: the app of a programme; the programme keeps its own class
        end = q.q_end + desc_len
        return [Candidate(q.start, end, clean_label(q.text[q.start : end]), EntityClass.Platform, "quote")]
    core = clean_label(inner) if cls == EntityClass.Platform else ""
    return [Candidate(q.i_start, q.i_end, clean_label(inner), cls, "quote", core=core)]


def _undescribed(q: _Quote) -> list[Candidate]:
    """A quote with no descriptor: an honour after its verb, a known or name-like word, else a bare mention."""
    inner, known, after = q.inner, q.known, q.after
    # quotes listed one after another share the verb before the first: 获评“A”“B”等称号
    before = _QUOTE_RUN.sub("", q.s_text[: q.m.start()])
    if _RANKED_TITLE.search(inner):
        before = _AWARD_QUAL.sub("", before)  # 获评全国第二批“千兆城市”: the title follows its rank
    if _AWARD_VERB.search(before[-_AWARD_VERB_REACH:]) or (
        _BECOME.search(before[-_VERB_REACH:])
        and _BECOME_TITLE.search(inner)
        and known(inner) in (None, EntityClass.Award)
    ):
        return [Candidate(q.i_start, q.i_end, clean_label(inner), EntityClass.Award, "quote")]
    cls = known(inner)
    if cls is None and _PACKAGE_AFTER.match(after):
        cls = EntityClass.Reform  # “我要开餐馆”“我要办理退休”等“一事联办”主题服务: named service packages
    if cls is None and _listed_with_reform(q.s_text, q.m, known):
        cls = EntityClass.Reform  # 城市运行“一网统管”、社会诉求“一键回应”: a reform listed with known ones
    if cls is None and _RUN_AFTER.match(after):
        cls = EntityClass.Platform  # “浙里办”“浙政钉”两大平台: the descriptor after the run names each
    cls = cls or _classify_bare(inner, q.area_names, q.brand)
    if cls is None and _APP_VERB.search(before[-_VERB_REACH:]):
        cls = EntityClass.Platform  # 登录“X”, 下载“X”: an app or portal
    if cls:
        return [Candidate(q.i_start, q.i_end, clean_label(inner), cls, "quote")]
    if len(inner) <= _BARE_MAX:
        # kept aside: a mention of a name quoted with a descriptor elsewhere in the article
        return [Candidate(q.i_start, q.i_end, clean_label(inner), "", "bare")]
    return []


#: the quote rules in the order they are tried; the first that returns a list decides
_RULES: tuple[Callable[[_Quote], list[Candidate] | None], ...] = (
    _listed, _unusable, _joined, _tailed, _descriptor, _undescribed,
)  # fmt: skip


#: shortest coined reform or app word (数据通, 一网通); two characters (打通, 畅通) are verbs
_COINED_MIN = 3
#: lengths of a credit-data product named with 贷 (信易贷 .. 科技成果贷)
_LOAN_NAME = (3, 5)
_LIST_BEFORE = re.compile(r"“([^“”]{1,32})”、[\u4e00-\u9fff]{0,6}$")
_LIST_AFTER = re.compile(r"、[\u4e00-\u9fff]{0,6}“([^“”]{1,32})”")


def _listed_with_reform(s_text: str, m: re.Match[str], known: Callable[[str], str | None]) -> bool:
    """True when the quote sits in a 、-list next to a quoted reform the scheme knows."""
    prev = _LIST_BEFORE.search(s_text, 0, m.start())
    nxt = _LIST_AFTER.match(s_text, m.end())
    return any(x is not None and known(x.group(1)) == EntityClass.Reform for x in (prev, nxt))


def _classify_bare(inner: str, area_names: set[str] | frozenset[str],
                   brand: re.Pattern[str] | None = None) -> str | None:  # fmt: skip
    """Class of a quoted name with no descriptor, or None for slogans and common words."""
    cls = class_of_name(inner)
    if cls:
        return cls
    if brand is not None and brand.match(inner):
        return EntityClass.Platform  # 浙里办, 爱山东, i深圳, 我的长沙: the naming habits of city apps
    if _REFORM_MORPH.search(inner) and len(inner) >= _COINED_MIN:
        return EntityClass.Reform
    if inner.endswith("通") and len(inner) >= _COINED_MIN and inner[-2:] not in _TONG_VERBS:
        if inner[:-1] in _GENERIC:
            return EntityClass.Reform  # “数据通”“业务通”: a generic word made connected is a goal, not an app
        return EntityClass.Platform  # 办事通, 惠企通
    if inner.endswith("贷") and _LOAN_NAME[0] <= len(inner) <= _LOAN_NAME[1]:
        return EntityClass.Platform  # 信易贷, 税易贷, 宜企贷: a credit-data product
    if _PROGRAMME_PREFIX.match(inner) and _PROGRAMME_PREFIX.sub("", inner) in area_names:
        return EntityClass.Project  # a city's own digital programme: 数字通化, 智慧株洲
    return None
