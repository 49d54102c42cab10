"""Claim conflicts: one indicator, one subject, one period, values that disagree beyond rounding.

Two observations are compared when they share ``ck:indicator``, ``ck:refersTo`` and
``ck:asOf`` (the same literal: a year is not compared with a day) and come from
different articles (within one article, two counts under one generic indicator are usually
different things: 4家 and 31家 企业 in two lists). Each value is read as the interval its qualifier allows
(``more_than 3万`` is [30000, ∞), ``approx`` widens by ``APPROX_TOLERANCE``); two intervals
that overlap within ``ROUNDING_TOLERANCE`` agree, so a figure repeated by two articles, or
written 2.1万 once and 21000 once, is no conflict. The likely reason is named when the
graph shows one: different units, a target against an achieved figure, different time
expressions, or one end of a change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations

from citykg.graph.records import Qualifier

Select = Callable[[str], list[dict[str, str | None]]]
ROUNDING_TOLERANCE = Decimal("0.01")  # values within 1% of the larger one agree (rounded figures)
APPROX_TOLERANCE = Decimal("0.10")  # 近/约/左右: the true value may be 10% either side
MAX_GROUP = 40  # observations of one key compared pairwise (beyond: the first ones by file and offset)
INF = Decimal("Infinity")

OBSERVATIONS = """
SELECT ?o ?subject ?subjectLabel ?indicator ?indicatorLabel ?asOf ?value ?valueMax ?unit ?cunit ?cvalue
       ?qualifier ?target ?role ?asOfText ?raw ?quote ?file ?start WHERE {
  ?o a ck:Observation ; ck:indicator ?indicator ; ck:refersTo ?subject ; ck:asOf ?asOf ; ck:value ?value ;
     ck:unit ?unit ; ck:evidence ?ev .
  ?ev ck:quote ?quote ; ck:charStart ?start ; ck:inDocument/ck:fileName ?file .
  OPTIONAL { ?o ck:valueMax ?valueMax }
  OPTIONAL { ?o ck:comparableUnit ?cunit ; ck:comparableValue ?cvalue }
  OPTIONAL { ?o ck:qualifier ?qualifier } OPTIONAL { ?o ck:isTarget ?target }
  OPTIONAL { ?o ck:changeRole ?role } OPTIONAL { ?o ck:asOfText ?asOfText } OPTIONAL { ?o ck:rawText ?raw }
  OPTIONAL { ?subject rdfs:label ?subjectLabel }
  OPTIONAL { ?indicator skos:prefLabel ?indicatorLabel FILTER(LANGMATCHES(LANG(?indicatorLabel), "zh")) }
}"""


@dataclass
class Claim:
    iri: str
    subject: str
    subject_label: str
    indicator: str
    indicator_label: str
    as_of: str
    value: Decimal
    value_max: Decimal | None
    unit: str  # the unit compared on: ck:comparableUnit when the build has one (value scaled to it), else ck:unit
    qualifier: str
    target: bool
    role: str
    as_of_text: str
    raw: str
    quote: str
    file: str
    start: int
    unit_text: str = ""  # the unit as stored (个, 座, 万元): shown, not compared

    def interval(self) -> tuple[Decimal, Decimal]:
        """The values the claim allows.

        >>> c = Claim("", "", "", "", "", "2022", Decimal(30000), None, "个", "more_than", False, "", "", "", "", "", 0)
        >>> c.interval()
        (Decimal('30000'), Decimal('Infinity'))
        """
        v, q = self.value, self.qualifier
        if q in (Qualifier.more_than, Qualifier.at_least):
            return v, INF
        if q in (Qualifier.less_than, Qualifier.at_most):
            return -INF, v
        if q == Qualifier.range and self.value_max is not None:
            return v, self.value_max
        if q == Qualifier.approx:
            return v * (1 - APPROX_TOLERANCE), v * (1 + APPROX_TOLERANCE)
        return v, v


def agree(a: Claim, b: Claim) -> bool:
    """True when the two claims' intervals overlap within the rounding tolerance."""
    (lo1, hi1), (lo2, hi2) = a.interval(), b.interval()
    scale = max(abs(a.value), abs(b.value)) * ROUNDING_TOLERANCE
    return lo1 <= hi2 + scale and lo2 <= hi1 + scale


def reason(a: Claim, b: Claim) -> str:
    """The likely reason two claims differ, when the graph shows one ("" otherwise)."""
    why = []
    if a.unit != b.unit:
        why.append(f"different unit ({a.unit_text or a.unit} / {b.unit_text or b.unit})")
    if a.target != b.target:
        why.append("target vs achieved")
    if a.as_of_text != b.as_of_text and a.as_of_text and b.as_of_text:
        why.append(f"different period ({a.as_of_text} / {b.as_of_text})")
    if a.role or b.role:
        why.append("one end of a change")
    return "; ".join(why)


def _scale(r: dict[str, str | None]) -> Decimal:
    """The factor from the stored value to the comparable value (1 when the build has none)."""
    if r["cvalue"] and r["value"] and Decimal(r["value"]) != 0:
        return Decimal(r["cvalue"]) / Decimal(r["value"])
    return Decimal(1)


def load_claims(select: Select) -> list[Claim]:
    out: dict[str, Claim] = {}
    for r in select(OBSERVATIONS):
        iri, start = r["o"] or "", int(r["start"] or 0)
        if iri in out and out[iri].start <= start:
            continue
        out[iri] = Claim(
            iri=iri, subject=r["subject"] or "", subject_label=r["subjectLabel"] or "",
            indicator=r["indicator"] or "", indicator_label=r["indicatorLabel"] or "", as_of=r["asOf"] or "",
            value=Decimal(r["cvalue"] or r["value"] or 0),
            value_max=Decimal(r["valueMax"]) * _scale(r) if r["valueMax"] else None,
            unit=r["cunit"] or r["unit"] or "", unit_text=r["unit"] or "", qualifier=r["qualifier"] or Qualifier.exact,
            target=(r["target"] or "") == "true", role=r["role"] or "", as_of_text=r["asOfText"] or "",
            raw=r["raw"] or "", quote=r["quote"] or "", file=r["file"] or "", start=start,
        )  # fmt: skip
    return sorted(out.values(), key=lambda c: (c.file, c.start, c.iri))


COLUMNS = ["subject", "indicator", "as_of", "value_1", "unit_1", "quote_1", "file_1",
           "value_2", "unit_2", "quote_2", "file_2", "reason"]  # fmt: skip


def conflicts(claims: list[Claim]) -> list[dict[str, object]]:
    """Every disagreeing pair (from different articles), one row each, sorted by subject and indicator."""
    groups: dict[tuple[str, str, str], list[Claim]] = defaultdict(list)
    for c in claims:
        groups[(c.subject, c.indicator, c.as_of)].append(c)
    rows = []
    for group in groups.values():
        for a, b in combinations(group[:MAX_GROUP], 2):
            if a.file == b.file or agree(a, b):
                continue
            rows.append({
                "subject": a.subject_label or a.subject, "indicator": a.indicator_label or a.indicator,
                "as_of": a.as_of, "value_1": a.raw or str(a.value), "unit_1": a.unit_text or a.unit, "quote_1": a.quote,
                "file_1": a.file, "value_2": b.raw or str(b.value), "unit_2": b.unit_text or b.unit, "quote_2": b.quote,
                "file_2": b.file, "reason": reason(a, b),
            })  # fmt: skip
    return sorted(
        rows, key=lambda r: (str(r["subject"]), str(r["indicator"]), str(r["as_of"]), str(r["file_1"]))
    )
