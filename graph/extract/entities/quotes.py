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

from citykg.graph import lang
from citykg.graph.extract.entities.rules import (
    HAN,
    Candidate,
    class_of_name,
    clean_label,
    left_boundary,
    window_tokens,
)
from citykg.graph.records import ENTITY_CLASSES

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


def quoted(text: str, s_start: int, s_text: str, area_names: set[str] | frozenset[str],
           known: Callable[[str], str | None] = lambda _: None,
           brand: re.Pattern[str] | None = None) -> list[Candidate]:  # fmt: skip
    """Quoted names, with the descriptor that follows the closing quote.

    ``brand`` matches the app brands named after a place (浙里办, 爱山东; see
    ``lexicon.Lexicon.brand_re``)."""
    out: list[Candidate] = []
    changes = [(c.start(), c.end()) for c in _CHANGE.finditer(s_text)] if "从“" in s_text else []

    def reform_like(name: str) -> bool:
        """A name made with a strong reform word (通办, 一网): “政策兑现”专区 stays a platform."""
        return known(name) in (None, "Reform") and bool(_STRONG_MORPH.search(name))

    for m in _QUOTE.finditer(s_text):
        gi = next(i for i in range(1, 5) if m.group(i) is not None)
        inner = m.group(gi).strip()
        if any(a <= m.start() < b for a, b in changes) and not known(inner):
            continue  # 从“跑多次”到“不用跑”: the two ends of a change, not names
        i_start, i_end = s_start + m.start(gi), s_start + m.end(gi)
        if _ENUMERATION.fullmatch(inner) and not any(known(x) for x in inner.split("、")):
            # “一平台、一张图、一中心”: a numbered enumeration is the name of one reform
            out.append(Candidate(i_start, i_end, inner, "Reform", "quote"))
            continue
        if "、" in inner and not _BAD_INNER.search(inner.replace("、", "")):
            pos = i_start
            listed_known = any(known(part) for part in inner.split("、"))
            for part in inner.split("、"):
                if len(part) >= 2:
                    # named reforms (“一网通办、一网统管”), or reform-like words listed with one
                    cls = known(part) or ("Reform" if listed_known and _STRONG_MORPH.search(part) else None)
                    if cls:
                        out.append(Candidate(pos, pos + len(part), part, cls, "quote"))
                pos += len(part) + 1
            continue
        numbered = _NUMBER_NAME.fullmatch(inner) is not None and _DESC_START.match(s_text, m.end()) is not None
        if (_BAD_INNER.search(inner) and not numbered) or len(inner) < 2:
            continue
        parts = re.split(r"[+＋]", inner)
        classes = [class_of_name(x) for x in parts]
        if len(parts) >= 2 and all(len(x) >= 3 for x in parts) and sum(c is not None for c in classes) >= 2:
            # “数据安全监管平台+政务云密码体系+…平台”: named parts joined by +, each an entity;
            # a part without a head noun is of the kind of its named siblings
            sibling = next(c for c in classes if c)
            pos = i_start
            for x, c in zip(parts, classes, strict=True):
                out.append(Candidate(pos, pos + len(x), x, c or sibling, "quote"))
                pos += len(x) + 1
            continue
        pair = re.fullmatch(r"(.{3,}?)(?:与|和|及)(.{3,})", inner)
        if pair and class_of_name(pair.group(1)) and class_of_name(pair.group(2)):
            for g in (1, 2):
                st = i_start + pair.start(g)
                out.append(
                    Candidate(
                        st,
                        st + len(pair.group(g)),
                        pair.group(g),
                        class_of_name(pair.group(g)) or "",
                        "quote",
                    )
                )
            continue
        after = s_text[m.end() :]
        q_end = s_start + m.end()
        if _GRADE_AFTER.match(after):
            continue
        app = _APP_TAIL.match(after)
        if not app and _PLACE_TAIL.match(after) and not reform_like(inner):
            # “粤省事”佛山专区: the local section of a provincial app; the entity is the app
            out.append(
                Candidate(i_start, i_end, clean_label(inner), "Platform", "quote", core=clean_label(inner))
            )
            continue
        if app:
            end = q_end + app.end()
            out.append(Candidate(s_start + m.start(), end, clean_label(text[s_start + m.start():end]), "Platform", "quote",
                                 core=clean_label(inner)))  # fmt: skip
            continue
        award = _AWARD_TAIL.match(after)
        if award and not known(inner):
            # “5G+工业互联网”应用标杆: the honour is the whole phrase
            end = q_end + award.end()
            label = clean_label(text[s_start + m.start() : end])
            out.append(Candidate(s_start + m.start(), end, label, "Award", "quote"))
            continue
        body = _LONG_DESC.match(after)
        if body and class_of_name(body.group(0)) == "Organization" and _WHOLE_DESC.search(body.group(0)):
            # 武汉市“数字政府”建设领导小组办公室: a standing body named after the programme it runs
            end = q_end + body.end()
            left = left_boundary(window_tokens(text, s_start + m.start(), s_start + m.start(), s_start, 8),
                                 s_start + m.start(), s_start, max_len=8)  # fmt: skip
            out.append(Candidate(left, end, clean_label(text[left:end]), "Organization", "quote"))
            continue
        desc_cls = None
        desc_len = 0
        for rx, cls in _DESC:
            d = rx.match(after)
            if d:
                desc_cls, desc_len = cls, d.end()
                break
        short = len(inner) <= 2 or inner in _CUE_ONLY or numbered  # “19365”改革: the number needs its head
        if desc_cls is None:
            d = _LONG_DESC.match(after)
            if d and (
                short
                or (
                    len(d.group(0)) >= 4 and _WHOLE_DESC.search(d.group(0))
                )
            ):
                # “蓝谷至胶东国际机场”智慧一级公路示范工程: the descriptor is part of the name
                end = q_end + d.end()
                cls = class_of_name(d.group(0)) or "Reform"
                if short:
                    left = left_boundary(window_tokens(text, s_start + m.start(), s_start + m.start(), s_start, 8),
                                         s_start + m.start(), s_start, max_len=8)  # fmt: skip
                else:
                    left = s_start + m.start()
                out.append(Candidate(left, end, clean_label(text[left:end]), cls, "quote"))
                continue
            if d:  # “亲清在线”新型政商服务平台: the brand names it; the descriptor gives the class
                cls = class_of_name(d.group(0)) or "Reform"
                out.append(
                    Candidate(i_start, i_end, clean_label(inner), cls, "quote", core=clean_label(inner))
                )
                continue
        if short and desc_cls is not None and not after.startswith(("场景", "应用场景")):
            # a tiny quoted word needs its modifier and descriptor to be a name: 耕地保护“天眼”行动
            left = left_boundary(window_tokens(text, s_start + m.start(), s_start + m.start(), s_start, 8),
                                         s_start + m.start(), s_start, max_len=8)  # fmt: skip
            end = q_end + desc_len
            label = clean_label(text[left:end])
            cls = desc_cls if desc_cls != NAME_HEAD else (class_of_name(label) or "Platform")
            if len(label) >= 5:
                out.append(Candidate(left, end, label, cls, "quote"))
            continue
        if desc_cls is not None:
            inner_cls = class_of_name(inner)
            cls = desc_cls
            if desc_cls == NAME_HEAD:
                cls = known(inner) or _classify_bare(inner, area_names, brand) or "Platform"
            elif after.startswith("建设") and desc_len == 2:
                cls = (
                    known(inner)
                    or _classify_bare(inner, area_names, brand)
                    or ("Project" if len(inner) >= 4 else "")
                )
                if not cls:
                    continue
            if desc_cls == "Project" and after.startswith("建设") and inner_cls:
                cls = inner_cls  # “X平台”建设 is still a platform
            if (
                cls == "Platform"
                and desc_cls == "Platform"
                and inner_cls in (None, "Reform")
                and reform_like(inner)
            ):
                cls = "Reform"  # “一网统管”平台, “湾区通办”服务专区: the reform is what is named
            elif cls == "Platform" and desc_cls == "Platform" and known(inner) == "Project":
                # “智慧社区”小程序: the app of a programme; the programme keeps its own class
                end = q_end + desc_len
                out.append(
                    Candidate(
                        s_start + m.start(),
                        end,
                        clean_label(text[s_start + m.start() : end]),
                        "Platform",
                        "quote",
                    )
                )
                continue
            out.append(
                Candidate(
                    i_start,
                    i_end,
                    clean_label(inner),
                    cls,
                    "quote",
                    core=clean_label(inner) if cls == "Platform" else "",
                )
            )
            continue
        # quotes listed one after another share the verb before the first: 获评“A”“B”等称号
        before = _QUOTE_RUN.sub("", s_text[: m.start()])
        if _RANKED_TITLE.search(inner):
            before = _AWARD_QUAL.sub("", before)  # 获评全国第二批“千兆城市”: the title follows its rank
        if _AWARD_VERB.search(before[-6:]) or (
            _BECOME.search(before[-4:])
            and _BECOME_TITLE.search(inner)
            and known(inner) in (None, "Award")
        ):
            out.append(Candidate(i_start, i_end, clean_label(inner), "Award", "quote"))
            continue
        cls = known(inner)
        if cls is None and _PACKAGE_AFTER.match(after):
            cls = "Reform"  # “我要开餐馆”“我要办理退休”等“一事联办”主题服务: named service packages
        if cls is None and _listed_with_reform(s_text, m, known):
            cls = "Reform"  # 城市运行“一网统管”、社会诉求“一键回应”: a reform listed with known ones
        if cls is None and _RUN_AFTER.match(after):
            cls = "Platform"  # “浙里办”“浙政钉”两大平台: the descriptor after the run names each
        cls = cls or _classify_bare(inner, area_names, brand)
        if cls is None and _APP_VERB.search(before[-4:]):
            cls = "Platform"  # 登录“X”, 下载“X”: an app or portal
        if cls:
            out.append(Candidate(i_start, i_end, clean_label(inner), cls, "quote"))
        elif len(inner) <= 12:
            # kept aside: a mention of a name quoted with a descriptor elsewhere in the article
            out.append(Candidate(i_start, i_end, clean_label(inner), "", "bare"))
    return out


_LIST_BEFORE = re.compile(r"“([^“”]{1,32})”、[\u4e00-\u9fff]{0,6}$")
_LIST_AFTER = re.compile(r"、[\u4e00-\u9fff]{0,6}“([^“”]{1,32})”")


def _listed_with_reform(s_text: str, m: re.Match[str], known: Callable[[str], str | None]) -> bool:
    """True when the quote sits in a 、-list next to a quoted reform the scheme knows."""
    prev = _LIST_BEFORE.search(s_text, 0, m.start())
    nxt = _LIST_AFTER.match(s_text, m.end())
    return any(x is not None and known(x.group(1)) == "Reform" for x in (prev, nxt))


def _classify_bare(inner: str, area_names: set[str] | frozenset[str],
                   brand: re.Pattern[str] | None = None) -> str | None:  # fmt: skip
    """Class of a quoted name with no descriptor, or None for slogans and common words."""
    cls = class_of_name(inner)
    if cls:
        return cls
    if brand is not None and brand.match(inner):
        return "Platform"  # 浙里办, 爱山东, i深圳, 我的长沙: the naming habits of city apps
    if _REFORM_MORPH.search(inner) and len(inner) >= 3:
        return "Reform"
    if inner.endswith("通") and len(inner) >= 3 and inner[-2:] not in _TONG_VERBS:
        if inner[:-1] in _GENERIC:
            return "Reform"  # “数据通”“业务通”: a generic word made connected is a goal, not an app
        return "Platform"  # 办事通, 惠企通
    if inner.endswith("贷") and 3 <= len(inner) <= 5:
        return "Platform"  # 信易贷, 税易贷, 宜企贷: a credit-data product
    if _PROGRAMME_PREFIX.match(inner) and _PROGRAMME_PREFIX.sub("", inner) in area_names:
        return "Project"  # a city's own digital programme: 数字通化, 智慧株洲
    return None
