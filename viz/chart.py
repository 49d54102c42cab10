"""The indicator comparison page: one sorted bar chart per comparable unit, in inline SVG.

No script and no charting library: the page is static HTML+SVG, every bar is a
link to its evidence row (the quoted sentence, article title and date) further
down the page. Values of different kinds are never drawn on one axis, so the page
holds one chart per *comparable* unit (ontology/units.ttl): every count is one
count unit whatever its measure word (1959处, 8894座 and 10963个 share an axis, the
measure word stays on the bar), PB converts to TB, 兆瓦 to 千瓦. All article text
goes through ``html.escape``.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from citykg.graph.adoption.conflicts import Claim, agree
from citykg.graph.extract.metrics.units import COUNT_KIND, default_units
from citykg.viz.data import Concept, Model, Observation
from citykg.viz.graphview import CJK_FONT

BAR_H = 22
LABEL_W = 220
CHART_W = 520
QUALIFIERS = {
    "more_than": "以上 more than",
    "less_than": "以下 less than",
    "about": "约 about",
    "approx": "约 about",
    "range": "区间 range",
    "at_least": "至少 at least",
    "at_most": "至多 at most",
    "exact": "",
}


@dataclass
class Bar:
    key: str  # anchor id of the evidence row
    label: str  # who the value is about
    value: float  # in the comparable unit of its chart
    obs: Observation
    written: str = ""  # the unit as written when it differs from the chart's (个, 座, PB)


def _number(text: str) -> float | None:
    """A plotted number, or None when the value is not numeric.

    >>> _number("1.5e3"), _number("约")
    (1500.0, None)
    """
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def comparable_unit(o: Observation) -> tuple[str, float | None]:
    """The chart an observation goes on (its comparable unit's label) and its value there.

    >>> comparable_unit(Observation("o", "i", "1959", unit="处")), comparable_unit(Observation("o", "i", "2", unit="PB"))
    (('计数', 1959.0), ('TB', 2000.0))
    """
    value = _number(o.value)
    if value is None:
        return o.unit, None
    table = default_units()
    if o.ranking:
        rank = next((u for u in table.units.values() if u.kind == "rank"), None)
        return (rank.label if rank else o.unit), value
    try:
        found = table.comparable(o.unit, Decimal(o.value))
    except InvalidOperation:
        found = None
    if found is None:
        return o.unit or "（无单位 no unit）", value
    return found[0].label, float(found[1])


def bars_by_unit(model: Model, indicator: str) -> dict[str, list[Bar]]:
    """Numeric observations of ``indicator``, grouped by comparable unit and sorted by value
    (largest first); a count's measure word rides on its bar."""
    groups: dict[str, list[Bar]] = defaultdict(list)
    obs = sorted(model.observations_by_indicator.get(indicator, ()), key=lambda o: o.iri)
    for n, o in enumerate(obs):
        unit, value = comparable_unit(o)
        if value is None:
            continue
        city = model.label(model.subject_city(o.refers_to))
        subject = model.label(o.refers_to)
        who = city if not subject or subject == city else f"{city}·{subject}" if city else subject
        tags = [t for t in ("目标 target" if o.is_target else "", o.role) if t]
        written = o.unit if o.unit != unit else ""
        groups[unit].append(
            Bar(f"ev-{n}", who + (f"（{'，'.join(tags)}）" if tags else ""), value, o, written)
        )
    for bars in groups.values():
        bars.sort(key=lambda b: (-b.value, b.label))
    return dict(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])))


# a minted (uncurated) indicator is listed for comparison only when this many cities report it
MIN_CITIES_FOR_MINTED = 2


def comparison_indicators(model: Model) -> list[Concept]:
    """The indicators the site lists for comparison: every curated one in use, and a minted
    (uncurated) one only when at least ``MIN_CITIES_FOR_MINTED`` cities report it (a label
    minted from one sentence is rarely an indicator anyone compares)."""
    out = []
    for c in model.indicators_in_use():
        if "/x-" not in c.iri:  # uncurated concepts are ckr:concept/<scheme>/x-<hash>
            out.append(c)
            continue
        cities = {model.subject_city(o.refers_to) for o in model.observations_by_indicator.get(c.iri, ())}
        if len(cities - {None, ""}) >= MIN_CITIES_FOR_MINTED:
            out.append(c)
    return out


def _fmt(value: float) -> str:
    """A compact number for a bar label.

    >>> _fmt(1959.0), _fmt(0.875)
    ('1959', '0.875')
    """
    return f"{value:.0f}" if value == int(value) and abs(value) < 1e15 else f"{value:.4g}"


def _short(label: str, n: int = 15) -> str:
    """A bar label that fits the label column (the full one is in the bar's tooltip).

    >>> _short("威海市·5G基站建设一件事集成办工作机制")
    '威海市·5G基站建设一件事集…'
    """
    return label if len(label) <= n else label[: n - 1] + "…"


def _shown(b: Bar, unit: str) -> str:
    """The unit printed next to a value: a count's measure word as written, else the chart's unit."""
    return b.written if b.written and default_units().kind(b.written) == COUNT_KIND else unit


def svg_chart(unit: str, bars: list[Bar]) -> str:
    """One horizontal bar chart; each bar links to its evidence row."""
    e = html.escape
    top = max((b.value for b in bars), default=0.0)
    scale = (CHART_W - 10) / top if top > 0 else 0.0
    width = LABEL_W + CHART_W + 220
    height = BAR_H * len(bars) + 30
    rows = []
    for i, b in enumerate(bars):
        y = 24 + i * BAR_H
        w = max(1.0, b.value * scale) if b.value > 0 else 1.0
        o = b.obs
        extra = " ".join(x for x in (QUALIFIERS.get(o.qualifier, o.qualifier), o.as_of) if x)
        value = _fmt(b.value) + (f"–{o.value_max}" if o.value_max else "")
        shown = _shown(b, unit)
        rows.append(
            f'<a href="#{b.key}"><g class="bar">'
            f"<title>{e(b.label)}: {e(value)} {e(shown)} {e(extra)} — {e(o.raw)}</title>"
            f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end">{e(_short(b.label))}</text>'
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{w:.1f}" height="{BAR_H - 6}"></rect>'
            f'<text x="{LABEL_W + w + 6:.1f}" y="{y + 15}" class="val">{e(value)} {e(shown)}'
            f'<tspan class="meta"> {e(extra)}</tspan></text></g></a>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{e(unit)}">'
        f'<text x="0" y="14" class="axis">单位 unit: {e(unit)}</text>{"".join(rows)}</svg>'
    )


def _claim(b: Bar, unit: str) -> Claim:
    """A bar as a claim of the conflict check (values already in the chart's comparable unit)."""
    o = b.obs
    scale = b.value / float(o.value) if _number(o.value) else 1.0
    high = _number(o.value_max)
    return Claim(
        iri=o.iri, subject=o.refers_to or "", subject_label=b.label, indicator=o.indicator, indicator_label="",
        as_of=o.as_of, value=Decimal(str(b.value)),
        value_max=Decimal(str(high * scale)) if high is not None else None, unit=unit,
        qualifier=o.qualifier or "exact", target=o.is_target, role=o.role, as_of_text="", raw=o.raw,
        quote="", file=o.evidence[0].doc if o.evidence else o.iri, start=0,
    )  # fmt: skip


def bar_conflicts(bars: list[Bar], unit: str) -> dict[str, list[Bar]]:
    """Bars whose claim disagrees with another article's claim about the same subject and date
    (the rule of ``citykg conflicts``): bar key -> the bars it disagrees with."""
    claims = {b.key: _claim(b, unit) for b in bars}
    # only bars of one subject and date are compared: group them (positions in ``bars``), then
    # visit the pairs in the order of the all-pairs loop, so every list comes out in that order
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, b in enumerate(bars):
        c = claims[b.key]
        if c.subject and c.as_of:
            groups[(c.subject, c.as_of)].append(i)
    out: dict[str, list[Bar]] = defaultdict(list)
    for i, a in enumerate(bars):
        ca = claims[a.key]
        if not (ca.subject and ca.as_of):
            continue
        for j in groups[(ca.subject, ca.as_of)]:
            if j <= i:
                continue
            b = bars[j]
            cb = claims[b.key]
            if ca.file != cb.file and not agree(ca, cb):
                out[a.key].append(b)
                out[b.key].append(a)
    return dict(out)


def evidence_table(model: Model, bars: list[Bar], unit: str = "") -> str:
    """Rows with the anchors the bars link to: value, date, quoted sentence and article."""
    e = html.escape
    out = []
    disputed = bar_conflicts(bars, unit)
    for b in bars:
        o = b.obs
        quotes = [
            f'<div class="conflict">⚠ 与另一来源不一致 disagrees with another source: '
            f'<a href="#{e(other.key)}">{e(other.obs.raw or _fmt(other.value))}</a></div>'
            for other in disputed.get(b.key, ())
        ]
        cls = ' class="disputed"' if b.key in disputed else ""
        for ev in o.evidence[:2]:
            doc = model.docs.get(ev.doc)
            src = f"《{doc.title}》 {doc.date} {doc.file}" if doc else ev.doc
            quotes.append(f'<div class="quote">“{e(ev.quote)}”</div><div class="src">{e(src)}</div>')
        out.append(
            f'<tr id="{b.key}"{cls}><td>{e(b.label)}</td><td>{e(_fmt(b.value))} {e(_shown(b, unit))}</td>'
            f"<td>{e(QUALIFIERS.get(o.qualifier, o.qualifier))}</td><td>{e(o.as_of)}</td>"
            f"<td>{e(o.raw)}</td><td>{''.join(quotes)}</td></tr>"
        )
    return (
        "<table><thead><tr><th>主体 subject</th><th>数值 value</th><th>限定 qualifier</th>"
        "<th>日期 date</th><th>原文 raw</th><th>证据 evidence</th></tr></thead><tbody>"
        + "".join(out)
        + "</tbody></table>"
    )


CSS = f"""body {{ font-family: {CJK_FONT}; margin: 16px; color: #222; }}
h1 {{ font-size: 20px; }} h2 {{ font-size: 16px; margin-top: 24px; }}
svg.chart text {{ font-size: 13px; font-family: {CJK_FONT}; fill: #222; }}
svg.chart .meta {{ fill: #777; font-size: 11px; }} svg.chart .axis {{ fill: #555; }}
svg.chart rect {{ fill: #2b8cbe; }} svg.chart a:hover rect {{ fill: #ff7f0e; }}
table {{ border-collapse: collapse; font-size: 13px; margin-top: 8px; }}
td, th {{ border: 1px solid #ddd; padding: 4px 6px; vertical-align: top; text-align: left; }}
tr:target {{ background: #fff3c4; }} .quote {{ color: #333; }} .src {{ color: #777; font-size: 12px; }}
.note {{ background: #fff7d6; border: 1px solid #e6d28a; padding: 4px 8px; }}
tr.disputed td {{ background: #fdecea; }} .conflict {{ color: #b3261e; font-weight: bold; }}"""


def compare_html(model: Model, indicator: str) -> str:
    """The complete comparison page of one indicator (static: no script at all)."""
    e = html.escape
    concept = model.concepts.get(indicator)
    name = model.label(indicator)
    en = f" / {concept.label_en}" if concept and concept.label_en else ""
    groups = bars_by_unit(model, indicator)
    total = sum(len(b) for b in groups.values())
    body = []
    if not groups:
        body.append('<p class="note">此指标没有可比较的数值 (no numeric values for this indicator).</p>')
    if len(groups) > 1:
        body.append(
            f'<p class="note">数值使用 {len(groups)} 种单位，按单位分图 '
            f"(values use {len(groups)} kinds of unit; one chart per comparable unit, never mixed on one axis).</p>"
        )
    for unit, bars in groups.items():
        body.append(f"<h2>{e(unit)} · {len(bars)} 个数值 values</h2>")
        body.append(svg_chart(unit, bars))
        body.append(evidence_table(model, bars, unit))
    title = f"指标对比 Compare: {name}{en}"
    return (
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{e(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{e(title)}</h1><p>{total} 个数值，按数值从大到小排序；点击条形查看证据 "
        "(sorted largest first; click a bar for its evidence).</p>" + "".join(body) + "</body></html>\n"
    )
