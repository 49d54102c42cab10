"""The compact JSON a graph page carries, and which ``view.js`` expands when the page opens.

At 2,000 articles a city page holds ~600 nodes whose tooltips quote the same few
hundred sentences and articles again and again, and whose links repeat the same
page names: written out node by node that was ~1 MB a page. So every tooltip
string is written once in a table ``S`` and rows refer to it by index, page hrefs
once in ``P``, node ids without the common resource prefix ``base``, edges by node
index, cities and domains by index into the page's facets, and class styles once
per class. The page script rebuilds the same node objects as before (full IRIs,
rows of text, hrefs), so nothing else in the page changes.
"""

from __future__ import annotations

from urllib.parse import quote

from citykg.namespaces import CKR_IRI
from citykg.viz.graphview import CJK_FONT, GraphView, VNode, style
from citykg.viz.links import Linker, sel_anchor


class _Table:
    """Strings (or hrefs) by first use, each stored once.

    >>> t = _Table(); [t.add("a"), t.add("b"), t.add("a")], t.items
    ([0, 1, 0], ['a', 'b'])
    """

    def __init__(self) -> None:
        self.items: list[str] = []
        self._index: dict[str, int] = {}

    def add(self, text: str) -> int:
        i = self._index.get(text)
        if i is None:
            i = self._index[text] = len(self.items)
            self.items.append(text)
        return i


def short_id(iri: str) -> str:
    """A node id without the common resource prefix, marked by "~" (the page adds the prefix back).

    >>> short_id(CKR_IRI + "area/370200"), short_id("agg:x")
    ('~area/370200', 'agg:x')
    """
    return "~" + iri[len(CKR_IRI) :] if iri.startswith(CKR_IRI) else iri


def _href(href: str, node_id: str, pages: _Table) -> list:
    """[page index, anchor]: anchor 1 = "#sel=<this node>", 2 = "#concept=<this node>",
    a string = that anchor, 0 = none."""
    page, _, anchor = href.partition("#")
    mine = quote(node_id, safe="")
    code: int | str = 0
    if "#" + anchor == sel_anchor(node_id):
        code = 1
    elif anchor == "concept=" + mine:
        code = 2
    elif anchor:
        code = anchor
    return [pages.add(page), code]


def _rows(rows: list[tuple[str, ...]], linker: Linker | None, pages: _Table, strings: _Table) -> list[list]:
    out = []
    for r in rows:
        row: list = [strings.add(r[0]), strings.add(r[1])]
        if len(r) > 2 and linker is not None:
            doc, _, start = r[2].partition(" ")
            href = linker.article(doc)
            if href:
                row += [pages.add(href), int(start) if start else -1]
        out.append(row)
    return out


def _node(n: VNode, x: float, y: float, linker: Linker | None, t: dict, facets: dict) -> dict:
    item: dict = {"id": short_id(n.id), "label": n.label, "cls": n.cls, "size": n.size(), "x": round(x, 1),
                  "y": round(y, 1), "tip": _rows(n.rows(), linker, t["P"], t["S"])}  # fmt: skip
    if n.cities:
        item["ci"] = [facets["cities"][c] for c in n.cities]
    if n.domains:
        item["di"] = [facets["domains"][d] for d in n.domains]
    key = n.search_key()
    if key:
        item["key"] = key
    if linker is not None and not n.id.startswith("agg:"):
        page = linker.page_of(n.id)
        if page:
            item["pg"] = _href(page, n.id, t["P"])
        related = linker.related(n.id)
        if related:
            item["ln"] = [[t["S"].add(text), *_href(href, n.id, t["P"])] for text, href in related]
    return item


def compact(view: GraphView, pos: dict[str, tuple[float, float]], linker: Linker | None = None) -> dict:
    """The page's JSON (see the module docstring); ``view.js`` expands it."""
    tables = {"S": _Table(), "P": _Table()}
    cities = sorted({c for n in view.nodes for c in n.cities})
    domains = sorted({d for n in view.nodes for d in n.domains})
    facets = {
        "cities": {c: i for i, c in enumerate(cities)},
        "domains": {d: i for i, d in enumerate(domains)},
    }
    nodes = [_node(n, *pos.get(n.id, (0.0, 0.0)), linker, tables, facets) for n in view.nodes]
    index = {n.id: i for i, n in enumerate(view.nodes)}
    edges = []
    for e in view.edges:
        if e.source not in index or e.target not in index:
            continue
        item: dict = {"f": index[e.source], "t": index[e.target]}
        if e.width != 1.0:
            item["w"] = round(e.width, 2)
        if e.label:
            item["l"] = tables["S"].add(e.label)
        if e.tip:
            item["tip"] = _rows(e.tip, None, tables["P"], tables["S"])
        edges.append(item)
    styles = {n.cls: list(style(n.cls)[3:4]) + list(style(n.cls)[:2]) for n in view.nodes}
    return {
        "title": view.title,
        "font": CJK_FONT,
        "directed": view.directed,
        "edgeLabels": view.edge_labels,
        "base": CKR_IRI,
        "S": tables["S"].items,
        "P": tables["P"].items,
        "styles": styles,
        "nodes": nodes,
        "edges": edges,
        "legend": view.legend(),
        "facets": {"cities": cities, "domains": domains},
    }
