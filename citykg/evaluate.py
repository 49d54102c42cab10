"""Score a build against a gold annotation: ``citykg eval BUILD --gold FILE``.

The gold format and the matching are those of the evaluation kit's ``score.py``
(``../shared/eval``), so both give the same numbers on the same build:

* names: NFKC-folded, quotes/brackets/white space removed, lower-cased; equal,
  or one contains the other and the shorter is at least 60% of the longer;
* entities: instances of the six classes (or subclasses) with a label and an
  evidence in a document (by file name); typed scores also need the class (or
  the gold's ``alt_type``);
* optional gold items are not required for recall, and predictions matching
  only optional items are neutral;
* metrics: observations' values equal up to one part in a million (a gold range
  matches its lower or upper bound), each prediction used once; ``with unit``
  also compares units;
* city: ``ck:aboutCity`` of the document, compared without 市/地区/自治州/盟.

Unlike ``score.py`` it reads the build through citykg's embedded store (no
rdflib parse), and reports per class, per document, the misses and the false
positives, so a user who annotates a sample of their own corpus can see where
citykg goes wrong. Library code: raises ``InputError``; the CLI prints.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citykg.errors import InputError
from citykg.graph.records import ENTITY_CLASSES

#: the key of the gold analogues in what ``load_gold`` returns (not a file name)
ANALOGUES = "\0analogues"
#: gold analogues of these confidences are scored (as score.py does)
ANALOGUE_LEVELS = ("high", "medium")
ENTITY_TYPES = ENTITY_CLASSES  # the six entity classes, as the evaluation kit scores them
STRIP = set("“”\"'‘’《》「」『』〈〉()（）[]【】 \t\r\n")
#: a contained name matches when the shorter is at least this share of the longer
CONTAIN_RATIO = 0.6
#: numbers match when equal up to this relative difference
VALUE_TOLERANCE = 1e-6
CITY_SUFFIXES = ("市", "地区", "自治州", "盟")


def norm(s: str) -> str:
    """Folded form for matching.

    >>> norm("《数字政府 建设方案》"), norm("ＡＰＰ")
    ('数字政府建设方案', 'app')
    """
    s = unicodedata.normalize("NFKC", str(s))
    return "".join(ch for ch in s if ch not in STRIP).lower()


def names_match(pred: str, gold: str) -> bool:
    """Equal after folding, or contained with the shorter at least 60% of the longer.

    >>> names_match("“一网通办”改革", "一网通办"), names_match("平台", "城市大脑平台")
    (True, False)
    """
    p, g = norm(pred), norm(gold)
    if not p or not g:
        return False
    if p == g:
        return True
    short, long_ = sorted((p, g), key=len)
    return short in long_ and len(short) / len(long_) >= CONTAIN_RATIO


def city_key(s: str) -> str:
    """A city name without 市/地区/自治州/盟 (unless that leaves one character).

    >>> city_key("义乌市"), city_key("大兴安岭地区"), city_key("沙市")
    ('义乌', '大兴安岭', '沙市')
    """
    s = norm(s)
    for suffix in CITY_SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix) + 1:
            return s[: -len(suffix)]
    return s


def unit_key(u: str | None) -> str:
    u = norm(u or "")
    return {"％": "%", "t": "tb"}.get(u, u)


def value_eq(a: float, b: float) -> bool:
    return abs(a - b) <= VALUE_TOLERANCE * max(1.0, abs(b))


# ---------------------------------------------------------------- inputs


def load_gold(path: Path) -> dict[str, dict[str, Any]]:
    """{file: {"city", "entities", "metrics"}} from a gold file (both shapes score.py reads);
    the gold analogues, if any, under the key ``ANALOGUES``."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read the gold annotation ({exc})") from None
    docs: dict[str, dict[str, Any]] = {}
    if isinstance(raw, dict) and "documents" in raw:
        for d in raw["documents"]:
            ents = [dict(e, alt_types=[t for t in [e.get("alt_type")] if t]) for e in d.get("entities", [])]
            docs[d["file"]] = {"city": d.get("city"), "entities": ents, "metrics": d.get("metrics", []),
                               "seed_reforms": d.get("seed_reforms", [])}  # fmt: skip
        if raw.get("analogues"):
            docs[ANALOGUES] = {"analogues": raw["analogues"]}
    elif isinstance(raw, list):
        keys = (("reforms", "Reform"), ("platforms", "Platform"), ("policy_documents", "PolicyDocument"),
                ("projects", "Project"), ("organizations", "Organization"), ("awards", "Award"))  # fmt: skip
        for d in raw:
            ents = [{"type": t, "name": n, "aliases": [], "alt_types": []} for k, t in keys for n in d.get(k, [])]
            docs[d["file"]] = {"city": d.get("city"), "entities": ents, "metrics": d.get("metrics", [])}
    else:
        raise InputError(f'{path}: not a gold annotation - expected {{"documents": [...]}} or a list of files')
    return docs


_ENTITIES = """SELECT DISTINCT ?file ?cls ?label WHERE {{
  VALUES ?cls {{ {values} }}
  ?x a ?t . ?t rdfs:subClassOf* ?cls .
  ?x rdfs:label ?label ; ck:evidence ?ev . ?ev ck:inDocument ?d . ?d ck:fileName ?file . }}"""
_OBSERVATIONS = """SELECT DISTINCT ?o ?file ?value ?unit WHERE {
  ?o a ck:Observation ; ck:value ?value ; ck:evidence ?ev . ?ev ck:inDocument ?d . ?d ck:fileName ?file .
  OPTIONAL { ?o ck:unit ?unit } }"""
_CITIES = "SELECT ?file ?label WHERE { ?d ck:fileName ?file ; ck:aboutCity ?c . ?c rdfs:label ?label }"
_WHERE = """SELECT DISTINCT ?x ?label ?file WHERE {
  ?x rdfs:label ?label ; ck:evidence ?ev . ?ev ck:inDocument ?d . ?d ck:fileName ?file . }"""
_PAIRS = """SELECT DISTINCT ?a ?b WHERE {
  { ?n a ck:Analogy ; ck:source ?a ; ck:target ?b . } UNION { ?a ck:analogousTo ?b . } }"""


@dataclass
class Predictions:
    entities: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    observations: dict[str, list[tuple[float, str]]] = field(default_factory=lambda: defaultdict(list))
    cities: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    where: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))  # node -> (file, label)
    pairs: set[frozenset[str]] = field(default_factory=set)


def predictions(build: Path | str) -> Predictions:
    """What the build at ``build`` (an OUT folder or a .trig) says, read through the embedded store."""
    from citykg.store.core import open_store

    store = open_store(build)
    pred = Predictions()
    values = " ".join(f"ck:{t}" for t in ENTITY_TYPES)
    ck = len("https://w3id.org/citykg/ontology#")
    for row in store.select(_ENTITIES.format(values=values)):
        pred.entities[row["file"]].add((row["cls"][ck:], row["label"]))
    seen = set()
    for row in store.select(_OBSERVATIONS):
        key = (row["o"], row["file"])
        if key in seen:
            continue
        seen.add(key)
        try:
            v = float(row["value"])
        except (TypeError, ValueError):
            continue
        pred.observations[row["file"]].append((v, row["unit"] or ""))
    for row in store.select(_CITIES):
        pred.cities[row["file"]].add(row["label"])
    for row in store.select(_WHERE):
        pred.where[row["x"]].add((row["file"], row["label"]))
    pred.pairs = {frozenset((r["a"], r["b"])) for r in store.select(_PAIRS) if r["a"] != r["b"]}
    return pred


def score_analogues(wanted_all: list[dict[str, Any]], files: set[str], pred: Predictions) -> Tally:
    """Gold analogue pairs found (either direction), and built pairs between gold documents that are right."""

    def side(node: str, end: dict[str, str]) -> bool:
        return any(f == end["file"] and names_match(lbl, end["name"]) for f, lbl in pred.where.get(node, ()))

    def is_gold(x: str, y: str, a: dict[str, Any]) -> bool:
        return (side(x, a["a"]) and side(y, a["b"])) or (side(y, a["a"]) and side(x, a["b"]))

    wanted = [a for a in wanted_all if a.get("confidence", "high") in ANALOGUE_LEVELS]
    pairs = [tuple(p) for p in pred.pairs]
    tally = Tally(gold=len(wanted))
    tally.found = sum(any(is_gold(x, y, a) for x, y in pairs) for a in wanted)
    relevant = [(x, y) for x, y in pairs
                if all(any(f in files for f, _ in pred.where.get(n, ())) for n in (x, y))]  # fmt: skip
    tally.predicted = len(relevant)
    tally.right = sum(any(is_gold(x, y, a) for a in wanted_all) for x, y in relevant)
    return tally


def score_seed_links(gold: dict[str, dict[str, Any]], seed_files: set[str], pred: Predictions) -> list[dict]:
    """For every reform a gold document says it shares with the seed articles (``seed_reforms``):
    is an initiative of that document linked by an analogy to a seed initiative of that name?
    (score.py's ``--seed-files`` measure: one row per (file, reform), ``found`` true or false.)"""
    rows = []
    for file, doc in gold.items():
        for reform in doc.get("seed_reforms", []):
            found = any(
                any(f == file for f, _ in pred.where.get(a, ()))
                and any(f in seed_files and names_match(lbl, reform) for f, lbl in pred.where.get(b, ()))
                for x, y in (tuple(p) for p in pred.pairs) for a, b in ((x, y), (y, x))
            )
            rows.append({"file": file, "reform": reform, "found": found})
    return rows


# ---------------------------------------------------------------- scoring


@dataclass
class Tally:
    """Counts of one score: gold items found, gold items, predictions that are right, predictions."""

    found: int = 0
    gold: int = 0
    right: int = 0
    predicted: int = 0

    def add(self, other: Tally) -> None:
        self.found += other.found
        self.gold += other.gold
        self.right += other.right
        self.predicted += other.predicted

    def as_dict(self) -> dict[str, Any]:
        r = self.found / self.gold if self.gold else None
        p = self.right / self.predicted if self.predicted else None
        f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
        return {"precision": p, "recall": r, "f1": f, "gold": self.gold, "predicted": self.predicted}


def _names(e: dict[str, Any]) -> list[str]:
    return [e["name"], *e.get("aliases", [])]


def score_entities(file: str, doc: dict[str, Any], preds: set[tuple[str, str]], typed: bool,
                   misses: list[dict], false_positives: list[dict]) -> dict[str, Tally]:  # fmt: skip
    """Tallies of one document by class (gold class for recall, predicted class for precision)."""
    by_class: dict[str, Tally] = defaultdict(Tally)
    for e in (e for e in doc["entities"] if not e.get("optional")):
        ok_types = {e["type"], *e["alt_types"]}
        t = by_class[e["type"]]
        t.gold += 1
        if any(names_match(lbl, n) for (c, lbl) in preds for n in _names(e) if not typed or c in ok_types):
            t.found += 1
        else:
            misses.append({"file": file, "class": e["type"], "name": e["name"]})
    for c, lbl in sorted(preds):
        matches = [e for e in doc["entities"] if any(names_match(lbl, n) for n in _names(e))
                   and (not typed or c in {e["type"], *e["alt_types"]})]  # fmt: skip
        if matches and all(e.get("optional") for e in matches):
            continue  # neutral
        t = by_class[c]
        t.predicted += 1
        t.right += bool(matches)
        if not matches:
            false_positives.append({"file": file, "class": c, "label": lbl})
    return by_class


def score_metrics(file: str, doc: dict[str, Any], preds: list[tuple[float, str]], with_unit: bool,
                  misses: list[dict], false_positives: list[dict]) -> Tally:  # fmt: skip
    """Gold metrics matched greedily (core gold first), each prediction used once."""
    tally = Tally()
    used = [False] * len(preds)
    golds = [m for m in doc["metrics"] if m.get("value") is not None]
    for m in sorted(golds, key=lambda m: bool(m.get("optional"))):
        targets = [float(m["value"])] + ([float(m["value_max"])] if m.get("value_max") is not None else [])
        best = next((i for i, (v, u) in enumerate(preds) if not used[i] and any(value_eq(v, t) for t in targets)
                     and (not with_unit or unit_key(u) == unit_key(m.get("unit")))), None)  # fmt: skip
        if not m.get("optional"):
            tally.gold += 1
        if best is not None:
            used[best] = True
            if not m.get("optional"):
                tally.found += 1
                tally.right += 1
                tally.predicted += 1
        elif not m.get("optional"):
            misses.append({"file": file, "value": m["value"], "unit": m.get("unit"), "text": m.get("text")})
    for i, (v, u) in enumerate(preds):
        if not used[i]:
            tally.predicted += 1
            false_positives.append({"file": file, "value": v, "unit": u})
    return tally


@dataclass
class Evaluation:
    summary: dict[str, float | None]
    classes: dict[str, dict[str, Any]]
    documents: dict[str, dict[str, Any]]
    misses: dict[str, list[dict]]
    false_positives: dict[str, list[dict]]

    def as_dict(self) -> dict[str, Any]:
        return {"summary": self.summary, "classes": self.classes, "documents": self.documents,
                "misses": self.misses, "false_positives": self.false_positives}  # fmt: skip


def evaluate(build: Path | str, gold_path: Path | str, seed_files: Iterable[str] = ()) -> Evaluation:
    """Score the build at ``build`` against the gold file: score.py's summary, plus the details.

    With ``seed_files`` (file names of articles built together with the gold's), also how many of
    the reforms each gold article shares with them are linked to them by an analogy."""
    gold, pred = load_gold(Path(gold_path)), predictions(build)
    analogues = gold.pop(ANALOGUES, {}).get("analogues", [])
    kinds = ("entities", "entities_typed", "metrics", "metrics_with_unit")
    totals = {k: Tally() for k in kinds}
    classes: dict[str, Tally] = defaultdict(Tally)
    misses: dict[str, list[dict]] = {"entities": [], "metrics": [], "cities": []}
    fps: dict[str, list[dict]] = {"entities": [], "metrics": []}
    documents: dict[str, dict[str, Any]] = {}
    cities_ok = cities_n = 0
    for file, doc in gold.items():
        ents, obs = pred.entities.get(file, set()), list(pred.observations.get(file, []))
        row: dict[str, Tally] = {k: Tally() for k in kinds}
        for t in score_entities(file, doc, ents, False, [], []).values():
            row["entities"].add(t)
        for cls, t in score_entities(file, doc, ents, True, misses["entities"], fps["entities"]).items():
            row["entities_typed"].add(t)
            classes[cls].add(t)
        row["metrics"] = score_metrics(file, doc, obs, False, misses["metrics"], fps["metrics"])
        row["metrics_with_unit"] = score_metrics(file, doc, obs, True, [], [])
        for k in kinds:
            totals[k].add(row[k])
        documents[file] = {k: row[k].as_dict() for k in kinds}
        if doc.get("city"):
            got = sorted(pred.cities.get(file, set()))
            ok = any(city_key(c) == city_key(doc["city"]) for c in got)
            cities_n, cities_ok = cities_n + 1, cities_ok + ok
            documents[file]["city"] = {"gold": doc["city"], "predicted": got, "correct": ok}
            if not ok:
                misses["cities"].append({"file": file, "gold": doc["city"], "predicted": got})
    t = {k: v.as_dict() for k, v in totals.items()}
    summary = {
        "entity_f1": t["entities"]["f1"], "entity_precision": t["entities"]["precision"],
        "entity_recall": t["entities"]["recall"], "typed_f1": t["entities_typed"]["f1"],
        "metric_recall": t["metrics"]["recall"], "metric_precision": t["metrics"]["precision"],
        "metric_unit_recall": t["metrics_with_unit"]["recall"],
        "city_accuracy": cities_ok / cities_n if cities_n else None,
    }  # fmt: skip
    if analogues:
        a = score_analogues(analogues, set(gold), pred).as_dict()
        summary["analogue_recall"], summary["analogue_precision"] = a["recall"], a["precision"]
    if seed_files:
        links = score_seed_links(gold, set(seed_files), pred)
        summary["seed_link_recall"] = sum(r["found"] for r in links) / len(links) if links else None
        misses["seed_links"] = [{"file": r["file"], "reform": r["reform"]} for r in links if not r["found"]]
    return Evaluation(summary, {c: classes[c].as_dict() for c in sorted(classes)}, documents, misses, fps)
