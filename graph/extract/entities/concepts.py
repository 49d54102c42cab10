"""Reform-scheme labels found in text, and the entity class each implies.

The concept scheme (ontology/schemes/reforms.ttl) is data; this module matches its
pref/alt labels in sentences, decides the class of an entity named by one
(城市大脑 -> Platform, 城市生命线 -> Project through its 工程 variants, 一网通办 ->
Reform), and holds back field words (智慧农业, 工业互联网) unless the article
quotes, qualifies or repeats them.
"""

from __future__ import annotations

import re
from collections import Counter

from citykg.graph import lang
from citykg.graph.extract.entities.lexicon import Lexicon, label_key
from citykg.graph.extract.entities.rules import Candidate, _lcut, class_of_name
from citykg.graph.kb import Concept
from citykg.graph.records import EntityClass

_Z = "zh/entities/"  # the word lists under graph/lang (each file says why its words are there)
_AWARD_BEFORE = re.compile(
    "(?:" + "|".join(lang.as_regex(v) for v, w in lang.rows(f"{_Z}award_verbs.tsv") if w == "concept")
    + ")[了为成]?$"
)
_CREATE_BEFORE = re.compile(lang.alternation(f"{_Z}create_verbs.txt") + "[了为成]?$")
_COUNTED_AFTER = re.compile(r"^\d+(?:\.\d+)?" + lang.char_class(f"{_Z}counted_things.txt"))
# field words (智慧农业, 数据共享, 算力网络): a concept label of this shape names an initiative
# only when quoted, followed by a descriptor, or repeated in the article
_FIELD_TERM = re.compile(lang.alternation(f"{_Z}field_terms.txt"))
_DESCRIPTOR_AFTER = re.compile("^" + lang.alternation(f"{_Z}concept_descriptors.txt"))
_BUILT_PROGRAMME = re.compile(lang.alternation(f"{_Z}project_prefixes.txt") + r"[\u4e00-\u9fff]{2,4}")
_CLOSE_QUOTE = "”’」』"
#: classes a concept label may name (bodies and documents are named otherwise)
_CONCEPT_CLASSES = (EntityClass.Platform, EntityClass.Project, EntityClass.Award, EntityClass.Reform)
#: a concept label this short may be the start of a longer word (掌上办|公)
_RUNS_ON_MAX = 3
#: characters before a concept label read for an award or a create verb (荣获, 打造)
_VERB_REACH = 6
#: an unquoted field term with no descriptor names an initiative when the article repeats it this often
_FIELD_REPEATS = 3


def _name_class(name: str) -> str | None:
    base = name[:-2] if name.endswith("建设") else name
    cls = class_of_name(name)
    if cls is None and _BUILT_PROGRAMME.fullmatch(base):
        cls = EntityClass.Project  # 智慧社区, 数字乡村, 未来社区, 数字孪生城市: a programme built in the city
    return cls if cls in _CONCEPT_CLASSES else None


_CONCEPT_CLASS: dict[str, str] = {}


def _concept_class(concept: Concept) -> str:
    """The class the names of a concept imply: its prefLabel's head, else the most common head
    among its altLabels (城市生命线 -> 城市生命线工程 -> Project), else Reform."""
    cached = _CONCEPT_CLASS.get(concept.iri)
    if cached is None:
        votes = Counter(c for c in map(class_of_name, concept.alt_zh) if c)
        cached = class_of_name(concept.pref_zh) or (votes.most_common(1)[0][0] if votes else EntityClass.Reform)
        if cached not in (EntityClass.Platform, EntityClass.Project, EntityClass.Award):
            cached = EntityClass.Reform
        _CONCEPT_CLASS[concept.iri] = cached
    return cached


def label_class(lex: Lexicon, label: str) -> str:
    """Class of a reform-scheme label found in text: its own head, else its concept's."""
    cls = _name_class(label)
    if cls and cls != EntityClass.Reform:
        return cls
    concept = lex.by_label.get(label_key(label))
    return _concept_class(concept) if concept is not None else (cls or EntityClass.Reform)


def concept_candidates(lex: Lexicon, s_start: int, s_text: str) -> list[Candidate]:
    out = []
    if lex.label_re is None:
        return out
    for m in lex.label_re.finditer(s_text):
        label = m.group(0)
        end = m.end()
        if m.start() > 0 and s_text[m.start() - 1] in _CLOSE_QUOTE:
            continue  # “芜湖通”城市码: a descriptor of the quoted name, which the quote rule owns
        if len(label) <= _RUNS_ON_MAX and _runs_on(s_text, m.start(), m.end()):
            continue  # 掌上办|公, 移动办|公平台: a short label that is the start of a longer word
        built = label.endswith("建设") and label_key(label[:-2]) in lex.by_label
        if built:
            label, end = label[:-2], end - 2  # 智慧社区建设: the entity is 智慧社区
        cls = label_class(lex, label)
        before = s_text[max(0, m.start() - _VERB_REACH) : m.start()]
        if _AWARD_BEFORE.search(before) and not (
            cls in (EntityClass.Reform, EntityClass.Project) and _CREATE_BEFORE.search(before)
        ):
            cls = EntityClass.Award
        source = "concept"
        rest = s_text[m.end() :]
        if _FIELD_TERM.search(label) and not (
            built or _DESCRIPTOR_AFTER.match(rest) or _COUNTED_AFTER.match(rest)
        ):
            source = "field"
        out.append(Candidate(s_start + m.start(), s_start + end, label, cls, source))
    return out


def _runs_on(s_text: str, start: int, end: int) -> bool:
    """True when a jieba word crosses the end of the match (掌上办 in 掌上办公).

    >>> _runs_on("实现掌上办公", 2, 5), _runs_on("实现掌上办。", 2, 5)
    (True, False)
    """
    if end >= len(s_text) or not ("\u4e00" <= s_text[end] <= "\u9fff"):
        return False
    lo = max(0, end - 2)
    pos = lo
    for tok in _lcut(s_text[lo : end + 2]):
        if pos < end < pos + len(tok) and pos >= start:
            return True
        pos += len(tok)
    return False


def gate_field_terms(cands: list[Candidate], text: str) -> list[Candidate]:
    """Field-word concept matches count only when the article repeats the word or quotes it."""
    named = {label_key(c.label) for c in cands if c.source != "field"}
    count: dict[str, int] = {}
    for c in cands:
        if c.source == "field":
            count[c.label] = count.get(c.label, 0) + 1
    out = []
    for c in cands:
        if c.source == "field":
            if label_key(c.label) not in named and count[c.label] < _FIELD_REPEATS:
                continue
            c.source = "concept"
        out.append(c)
    return out
