"""The compact JSON a graph page carries, and which ``view.js`` expands when the page opens.

At 2,000 articles a city page holds ~600 nodes whose tooltips quote the same few
hundred sentences and articles again and again, and whose links repeat the same
page names: written out node by node that was ~1 MB a page. So every tooltip
string is written once in a table ``S`` and rows refer to it by index, page hrefs
once in ``P``, node ids without the common resource prefix ``base``, edges by node
index, cities and domains by index into the page's facets, and class styles once
per class; tooltip rows (``R``) and detail links (``L``) once each, nodes refer to
them by index (a node's own page, most often its first detail link's, as 1). Nodes and edges are arrays (``NODE_FIELDS``), not objects with named
fields. Search keys are not shipped: the page computes them from the names with
two tables (pinyin of the characters used, Traditional -> Simplified) that a
site shares in OUT/assets/zh.js; only a name whose pinyin is read by phrase
(a polyphone: 重庆 chongqing) carries its syllables. In a site, evidence quotes
refer to the article's shared text (``viz.doctext``) instead of being copied.
The page script rebuilds the same node objects as before (full IRIs, rows of
text, hrefs), so nothing else in the page changes.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from citykg.namespaces import CKR_IRI
from citykg.viz.doctext import DocTexts
from citykg.viz.graphview import CJK_FONT, GraphView, VNode, style
from citykg.viz.links import Linker, sel_anchor
from citykg.viz.search import OverrideCache, pinyin_override, zh_tables


class _Index(dict):
    """A table's numbers by key; a missing key is numbered next and appended to ``items``."""

    __slots__ = ("items",)

    def __missing__(self, key: object) -> int:
        i = self[key] = len(self.items)
        self.items.append(key)
        return i


class _Table:
    """Strings (or hrefs) by first use, each stored once.

    ``add`` is the index's own ``__getitem__``: a string already numbered (most of the
    million lookups of a 2,000-article site's pages) costs no Python call.

    >>> t = _Table(); [t.add("a"), t.add("b"), t.add("a")], t.items
    ([0, 1, 0], ['a', 'b'])
    """

    def __init__(self) -> None:
        self.items: list = []
        self._index = _Index()
        self._index.items = self.items
        self.add = self._index.__getitem__

    def add_list(self, item: list) -> int:
        """A flat JSON list (a tooltip row, a link; items numbers, strings or pairs), stored once.

        >>> t = _Table(); [t.add_list([1, [2, 3]]), t.add_list([4]), t.add_list([1, [2, 3]])], t.items
        ([0, 1, 0], [[1, [2, 3]], [4]])
        """
        key = tuple([tuple(x) if x.__class__ is list else x for x in item])
        i = self._index.get(key)
        if i is None:
            i = self._index[key] = len(self.items)
            self.items.append(item)
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
    page, code = _href_parts(href, node_id)
    return [pages.add(page), code]


@lru_cache(maxsize=1 << 17)  # the same links are written on every page the node is on
def _href_parts(href: str, node_id: str) -> tuple[str, int | str]:
    """(page, anchor code) of ``_href``.

    >>> _href_parts("city-1.html#x", "n"), _href_parts("a.html", "n")
    (('city-1.html', 'x'), ('a.html', 0))
    """
    page, _, anchor = href.partition("#")
    sel, concept = _anchors(node_id)
    code: int | str = 0
    if anchor == sel:
        code = 1
    elif anchor == concept:
        code = 2
    elif anchor:
        code = anchor
    return page, code


@lru_cache(maxsize=1 << 17)  # a node's links are written on every page the node is on
def _anchors(node_id: str) -> tuple[str, str]:
    """The anchors a link to the node's own place carries (without "#"): "sel=..." and "concept=..."."""
    return sel_anchor(node_id)[1:], "concept=" + quote(node_id, safe="")


def _rows(
    rows: list[tuple[str, ...]],
    linker: Linker | None,
    t: dict,
    texts: DocTexts | None = None,
    own: dict[str, int] | None = None,
) -> list[int]:
    """Rows as [key, text, (page, offset)]: strings by index into S; an evidence quote whose
    article ships its text (``texts``) as [article index into D, quote index] instead; a text
    the page derives from the node itself (``own``: its class, cities, domains) as a code < 0."""
    strings, docs, pages, table = t["S"].add, t["D"].add, t["P"].add, t["R"].add
    derived = own or {}
    out = []
    article = linker.article if linker is not None else None
    for r in rows:  # rows are tuples (hashable as they are; JSON writes them as arrays)
        key = strings(r[0])  # the tables number strings by first use: keep this order
        if len(r) < 3:
            text = r[1]
            out.append(table((key, derived[text] if text in derived else strings(text))))
            continue
        doc, _, start = r[2].partition(" ")
        ref = texts.ref(doc, r[1]) if texts is not None and doc else None
        if ref is not None:
            text: object = (docs(ref[0]), ref[1])
        else:
            text = derived[r[1]] if r[1] in derived else strings(r[1])
        href = article(doc) if article is not None else None
        out.append(table((key, text, pages(href), int(start) if start else -1) if href else (key, text)))
    return out


#: positions in a node's array (view.js reads the same order); trailing empty fields are left off
NODE_FIELDS = ("id", "label", "cls", "size", "x", "y", "tip", "ci", "di", "nm", "py", "pg", "ln")


def _own(n: VNode) -> dict[str, int]:
    """Tooltip texts the page rebuilds from the node: -2 its class ("平台 Platform"), -3 its
    cities and -4 its domains joined by "、" (view.js ``rows``)."""
    own = {f"{style(n.cls)[3]} {n.cls}": -2}
    if n.cities:
        own.setdefault("、".join(n.cities), -3)
    if n.domains:
        own.setdefault("、".join(n.domains), -4)
    return own


def _id(short: str, prefixes: _Table) -> str | list:
    """A node id as [index of its folder in I, rest] ("~initiative/370200/" + "ab12"), or as is.

    >>> t = _Table(); _id("~initiative/370200/ab12", t), _id("agg:x", t), t.items
    ([0, 'ab12'], 'agg:x', ['~initiative/370200/'])
    """
    folder, slash, leaf = short.rpartition("/")
    return [prefixes.add(folder + slash), leaf] if short.startswith("~") and slash else short


def _num(v: float) -> float | int:
    """A whole number without its ".0" (shorter JSON).

    >>> _num(10.0), _num(2.5)
    (10, 2.5)
    """
    return int(v) if v == int(v) else v


def _node(n: VNode, x: float, y: float, linker: Linker | None, t: dict, ctx: dict) -> list:
    """One node as an array (``NODE_FIELDS``): class by index into styles, cities and domains by
    index into the facets, other names by index into S, page links by index into P."""
    names = [m for m in dict.fromkeys(n.names) if m and m != n.label]
    overrides = [[i, o] for i, o in enumerate(ctx["pinyin"](m) for m in [n.label, *names]) if o]
    ctx["chars"].update(n.label, *names)
    item: list = [_id(short_id(n.id), t["I"]), n.label, ctx["cls"][n.cls], _num(n.size()), round(x),
                  round(y), _rows(n.rows(), linker, t, ctx["texts"], _own(n)), [ctx["cities"][c] for c in n.cities],
                  [ctx["domains"][d] for d in n.domains], [t["S"].add(m) for m in names], overrides, 0, 0]  # fmt: skip
    if linker is not None and not n.id.startswith("agg:"):
        page = linker.page_of(n.id)
        related = linker.related(n.id)
        if page:  # 1: the first related link's page (its city, concept or article page: most nodes)
            item[11] = 1 if related and related[0][1] == page else _href(page, n.id, t["P"])
        if related:
            item[12] = [t["L"].add((t["S"].add(text), *_href(href, n.id, t["P"]))) for text, href in related]
    while len(item) > 6 and not item[-1]:
        item.pop()
    return [v if v or k < 6 else 0 for k, v in enumerate(item)]


def compact(
    view: GraphView,
    pos: dict[str, tuple[float, float]],
    linker: Linker | None = None,
    texts: DocTexts | None = None,
    pinyin: OverrideCache | None = None,
) -> dict:
    """The page's JSON (see the module docstring); ``view.js`` expands it.

    With ``texts`` (the site) evidence quotes refer to the articles' shared text scripts,
    listed in ``D``; without, every string is in the page (a self-contained view).
    ``pinyin``: names' pinyin overrides known from the site's previous step.
    """
    tables = {"S": _Table(), "P": _Table(), "D": _Table(), "I": _Table(), "R": _Table(), "L": _Table()}
    cities = sorted({c for n in view.nodes for c in n.cities})
    domains = sorted({d for n in view.nodes for d in n.domains})
    classes = list(dict.fromkeys(n.cls for n in view.nodes))
    ctx = {
        "cities": {c: i for i, c in enumerate(cities)},
        "domains": {d: i for i, d in enumerate(domains)},
        "cls": {c: i for i, c in enumerate(classes)},
        "texts": texts,
        "chars": set(),
        "pinyin": pinyin.get if pinyin is not None else pinyin_override,
    }
    nodes = [_node(n, *pos.get(n.id, (0.0, 0.0)), linker, tables, ctx) for n in view.nodes]
    index = {n.id: i for i, n in enumerate(view.nodes)}
    edges = []
    for e in view.edges:
        if e.source not in index or e.target not in index:
            continue
        item: list = [index[e.source], index[e.target], round(e.width, 2) if e.width != 1.0 else 0,
                      tables["S"].add(e.label) if e.label else -1, _rows(e.tip, None, tables) if e.tip else 0]  # fmt: skip
        while len(item) > 2 and item[-1] in (0, -1):
            item.pop()
        edges.append(item)
    styles = [[c, *style(c)[3:4], *style(c)[:2]] for c in classes]
    out = {
        "title": view.title,
        "font": CJK_FONT,
        "directed": view.directed,
        "edgeLabels": view.edge_labels,
        "base": CKR_IRI,
        "S": tables["S"].items,
        "P": tables["P"].items,
        "D": tables["D"].items,
        "I": tables["I"].items,
        "R": tables["R"].items,
        "L": tables["L"].items,
        "styles": styles,
        "nodes": nodes,
        "edges": edges,
        "legend": view.legend(),
        "facets": {"cities": cities, "domains": domains},
    }
    if texts is None:  # a single view carries its own tables; the site shares OUT/assets/zh.js
        out["zh"] = zh_tables(ctx["chars"])
    else:
        texts.chars.update(ctx["chars"])
    return out
