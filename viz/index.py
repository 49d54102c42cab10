"""OUT/index.html: the site's grouped, searchable index.

Cities by province, reform concepts by domain, curated indicators (those minted
from article text folded away), articles by date, and the data: the TriG, the
ontology documentation and the exports. A search box filters every list by
label, other names, Traditional spelling and pinyin (each row carries the same
search key as the graph pages' nodes); the page's only script reads those keys
and toggles rows, and every string is escaped.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from citykg.viz.data import Model
from citykg.viz.graphview import CJK_FONT
from citykg.viz.search import KeyCache

INDEX = "index.html"
SECTION_TITLES = {
    "overview": "总览 Overview",
    "city": "城市 Cities（按省份 by province）",
    "reform": "改革概念 Reform concepts（按领域 by domain）",
    "compare": "指标对比 Indicator comparisons",
    "article": "文章 Articles（按日期 by date）",
}
FILTER_JS = """(function () {
  var box = document.getElementById("q");
  function run() {
    var q = box.value.trim().toLowerCase().replace(/\\s+/g, "");
    document.querySelectorAll("li[data-key]").forEach(function (li) {
      li.hidden = !!q && li.getAttribute("data-key").indexOf(q) < 0;
    });
    document.querySelectorAll("section, details.group").forEach(function (s) {
      s.hidden = !!q && !s.querySelector("li[data-key]:not([hidden])");
      if (q && s.tagName === "DETAILS" && !s.hidden) { s.open = true; }
    });
  }
  box.addEventListener("input", run);
})();"""


@dataclass
class Link:
    kind: str  # overview | city | reform | compare | article
    label: str
    path: Path
    note: str = ""
    key: str = ""  # the IRI the page is about (grouping and search names)


def _names(model: Model, iri: str) -> list[str]:
    if iri in model.areas:
        return [model.areas[iri].label, *model.areas[iri].alts]
    if iri in model.concepts:
        c = model.concepts[iri]
        return [c.label, c.label_en, *c.alts]
    return []


def _row(model: Model, link: Link, out: Path, keys: KeyCache) -> str:
    e = html.escape
    key = keys.key([link.label, *_names(model, link.key)])
    href = link.path.relative_to(out).as_posix()
    return (f'<li data-key="{e(key)}"><a href="{e(href)}">{e(link.label)}</a>'
            f' <span class="n">{e(link.note)}</span></li>')  # fmt: skip


def _group_of(model: Model, link: Link) -> str:
    if link.kind == "city":
        area = model.areas.get(link.key)
        return model.label(area.parent) if area and area.parent else "其他 other"
    if link.kind == "reform":
        c = model.concepts.get(link.key)
        return model.label(c.domains[0]) if c and c.domains else "其他 other"
    if link.kind == "compare":
        c = model.concepts.get(link.key)
        return "" if c is None or c.curated else "自文本生成的指标 indicators minted from article text"
    if link.kind == "article":
        d = model.docs.get(link.key)
        return d.date[:4] if d and d.date else "日期不详 undated"
    return ""


def _section(model: Model, kind: str, links: list[Link], out: Path, omitted: tuple[int, str],
             keys: KeyCache) -> str:  # fmt: skip
    e = html.escape
    groups: dict[str, list[Link]] = defaultdict(list)
    for link in links:
        groups[_group_of(model, link)].append(link)
    body = []
    for name in sorted(groups, key=lambda g: (g.startswith(("其他", "自文本", "日期不详")), g)):
        rows = "".join(_row(model, link, out, keys) for link in groups[name])
        if not name:
            body.append(f"<ul>{rows}</ul>")
        else:
            opened = " open" if kind != "compare" or len(groups) == 1 else ""
            body.append(f'<details class="group"{opened}><summary>{e(name)} ({len(groups[name])})</summary>'
                        f"<ul>{rows}</ul></details>")  # fmt: skip
    more, command = omitted
    note = (
        f'<p class="n">另有 {more} 个未生成页面 ({more} more not written): {e(command)}</p>' if more else ""
    )
    title = SECTION_TITLES.get(kind, kind)
    return f'<section id="sec-{e(kind)}"><h2>{e(title)} ({len(links)})</h2>{"".join(body)}{note}</section>'


def _data_section(out: Path) -> str:
    e = html.escape
    rows = [("citykg.trig", "图谱 the graph (TriG, named graphs)")]
    if (out / "ontology" / "index.html").is_file():
        rows.append(("ontology/index.html", "本体文档 ontology documentation"))
    export = out / "export"
    if export.is_dir():
        rows += [(p.relative_to(out).as_posix(), "导出 export") for p in sorted(export.iterdir())]
    items = "".join(f'<li><a href="{e(h)}">{e(h)}</a> <span class="n">{e(t)}</span></li>' for h, t in rows)
    hint = "citykg export --format graphml|gexf|jsonld|ttl|nq|csv --data OUT"
    return f'<section id="sec-data"><h2>数据 Data</h2><ul>{items}</ul><p class="n">{e(hint)}</p></section>'


def index_html(
    model: Model,
    links: list[Link],
    out: Path,
    omitted: dict[str, tuple[int, str]] | None = None,
    keys: KeyCache | None = None,
) -> str:
    """The index page: one section per kind of page, grouped, with a search box (``keys``: the
    rows' search keys known from the previous site step, and those of this one)."""
    keys = keys if keys is not None else KeyCache()
    e = html.escape
    by_kind: dict[str, list[Link]] = defaultdict(list)
    for link in links:
        by_kind[link.kind].append(link)
    sections = [
        _section(model, kind, by_kind[kind], out, (omitted or {}).get(kind, (0, "")), keys)
        for kind in SECTION_TITLES
        if by_kind.get(kind)
    ]
    stats = (
        f"{len(model.docs)} 篇文章 articles · {len(model.cities())} 个城市 cities · "
        f"{len(model.initiatives)} 项举措 initiatives · {len(model.observations)} 个指标数据 observations"
    )
    css = (
        f"body {{ font-family: {CJK_FONT}; margin: 16px; color: #222; max-width: 70em; }} h1 {{ font-size: 20px; }}"
        " h2 { font-size: 16px; margin-top: 20px; } ul { columns: 3 18em; margin: 4px 0; } li { margin: 2px 0; }"
        " .n { color: #888; font-size: 12px; } summary { cursor: pointer; font-weight: bold; margin-top: 6px; }"
        " #q { width: 22em; font-size: 14px; padding: 3px; } nav a { margin-right: 10px; }"
    )
    nav = " ".join(f'<a href="#sec-{k}">{e(SECTION_TITLES[k].split("（")[0])}</a>' for k in SECTION_TITLES
                   if by_kind.get(k)) + ' <a href="#sec-data">数据 Data</a>'  # fmt: skip
    return (
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        f"<title>citykg 图谱视图 views</title><style>{css}</style></head><body>"
        f"<h1>citykg 图谱视图 Views</h1><p>{e(stats)}</p>"
        '<p><input id="q" type="search" placeholder="搜索 search: 青岛, qingdao, 一網通辦, one-stop…" autocomplete="off"></p>'
        f"<nav>{nav}</nav>"
        + "".join(sections)
        + _data_section(out)
        + f"<script>{FILTER_JS}</script></body></html>\n"
    )
