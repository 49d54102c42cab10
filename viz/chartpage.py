"""The site's comparison page: the charts and evidence tables of ``chart.compare_html``, drawn
by OUT/assets/compare.js from compact data.

``chart.compare_html`` writes the page as static HTML+SVG (``citykg viz compare
-o FILE``, which must work alone): every bar is ~20 elements of markup and every
evidence row repeats its sentence and article in full. At 2,000 articles a
comparison page held thousands of bars, and 150 of them were a third of the site.
Here each string (label, unit, date, sentence, article) is written once in ``S``,
a bar is an array of indexes, and the script builds the same SVG and table with
text nodes (no article text becomes markup). The data is packed (``viz.packed``).
"""

from __future__ import annotations

import html

from citykg.viz.chart import (
    BAR_H,
    CHART_W,
    CSS,
    LABEL_W,
    QUALIFIERS,
    _fmt,
    _shown,
    bar_conflicts,
    bars_by_unit,
)
from citykg.viz.data import Model
from citykg.viz.packed import PACKED_JS, packed_element
from citykg.viz.pagedata import _Table

COMPARE_JS, COMPARE_CSS = "compare.js", "compare.css"  # under OUT/assets/
SHORT_LABEL = 15  # characters of a bar's label in the chart (chart._short); the full one is its tooltip
EVIDENCE_ROWS = 2  # evidence sentences per table row (as chart.evidence_table)


def compare_data(model: Model, indicator: str) -> dict:
    """Charts as {u: unit, b: bars}; a bar is [key number, label, value, value text, unit shown,
    chart note, qualifier, date, raw, evidence [[sentence, article], ...], disputed key numbers]
    with every string an index into ``S``."""
    s = _Table()
    charts = []
    for unit, bars in bars_by_unit(model, indicator).items():
        disputed = bar_conflicts(bars, unit)
        rows = []
        for b in bars:
            o = b.obs
            qualifier = QUALIFIERS.get(o.qualifier, o.qualifier)
            note = " ".join(x for x in (qualifier, o.as_of) if x)
            value = _fmt(b.value) + (f"–{o.value_max}" if o.value_max else "")
            evidence = []
            for ev in o.evidence[:EVIDENCE_ROWS]:
                doc = model.docs.get(ev.doc)
                src = f"《{doc.title}》 {doc.date} {doc.file}" if doc else ev.doc
                evidence.append([s.add(ev.quote), s.add(src)])
            rows.append([int(b.key[3:]), s.add(b.label), b.value, s.add(value), s.add(_shown(b, unit)),
                         s.add(note), s.add(qualifier), s.add(o.as_of), s.add(o.raw), evidence,
                         [int(x.key[3:]) for x in disputed.get(b.key, ())], s.add(_fmt(b.value))])  # fmt: skip
        charts.append({"u": s.add(unit), "b": rows})
    return {"S": s.items, "charts": charts, "geom": [BAR_H, LABEL_W, CHART_W, SHORT_LABEL]}


def compare_page(model: Model, indicator: str, assets: str, crumbs: str = "") -> str:
    """The comparison page of the site (``assets``: the href of OUT/assets/ from the page)."""
    e = html.escape
    concept = model.concepts.get(indicator)
    name = model.label(indicator)
    en = f" / {concept.label_en}" if concept and concept.label_en else ""
    data = compare_data(model, indicator)
    total = sum(len(c["b"]) for c in data["charts"])
    notes = []
    if not data["charts"]:
        notes.append('<p class="note">此指标没有可比较的数值 (no numeric values for this indicator).</p>')
    if len(data["charts"]) > 1:
        n = len(data["charts"])
        notes.append(
            f'<p class="note">数值使用 {n} 种单位，按单位分图 '
            f"(values use {n} kinds of unit; one chart per comparable unit, never mixed on one axis).</p>"
        )
    title = f"指标对比 Compare: {name}{en}"
    return (
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self'; "
        f"style-src 'self'\"><title>{e(title)}</title>"
        f'<link rel="stylesheet" href="{e(assets + COMPARE_CSS)}"></head><body>{crumbs}'
        f"<h1>{e(title)}</h1><p>{total} 个数值，按数值从大到小排序；点击条形查看证据 "
        "(sorted largest first; click a bar for its evidence).</p>" + "".join(notes) + '<div id="ck-charts"></div>'
        + packed_element("ck-compare", data)
        + f'<script src="{e(assets + PACKED_JS)}"></script><script src="{e(assets + COMPARE_JS)}"></script>'
        "</body></html>\n"
    )


def compare_css() -> str:
    return CSS
