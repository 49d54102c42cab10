"""The view model every HTML graph page renders: nodes, edges, legend, facets.

Nodes carry plain data (label, class, cities, domains, tooltip rows); the page
turns it into vis-network objects and DOM text. Styling by class lives here so
every view and the legend agree. ``aggregate`` collapses a too-large view.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from citykg.viz.search import SEP, search_key

# class -> (colour, vis shape, legend symbol, Chinese name)
CLASS_STYLE: dict[str, tuple[str, str, str, str]] = {
    "City": ("#d62728", "star", "★", "城市"),
    "County": ("#ff9896", "star", "★", "区县"),
    "Province": ("#8c564b", "star", "★", "省份"),
    "ReformConcept": ("#1f77b4", "diamond", "◆", "改革概念"),
    "Concept": ("#6baed6", "diamond", "◆", "概念"),
    "Domain": ("#9467bd", "hexagon", "⬢", "领域"),
    "Indicator": ("#17becf", "triangle", "▲", "指标"),
    "Reform": ("#ff7f0e", "dot", "●", "改革"),
    "Platform": ("#2ca02c", "square", "■", "平台"),
    "Project": ("#bcbd22", "triangle", "▲", "项目"),
    "PolicyDocument": ("#7f7f7f", "triangleDown", "▼", "政策文件"),
    "Organization": ("#e377c2", "hexagon", "⬢", "机构"),
    "Award": ("#ffbf00", "diamond", "◆", "荣誉"),
    "Observation": ("#2b8cbe", "dot", "●", "指标数据"),
    "SourceDocument": ("#525252", "square", "■", "文章"),
    "Resource": ("#969696", "dot", "●", "资源"),
}
MAX_TIP_ROWS = 12  # rows a merged edge's tooltip keeps
CJK_FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'


def style(cls: str) -> tuple[str, str, str, str]:
    """Colour, shape, legend symbol and Chinese name of a class (a grey dot when unknown).

    >>> style("Reform")[:2]
    ('#ff7f0e', 'dot')
    >>> style("Whatever")[0]
    '#969696'
    """
    return CLASS_STYLE.get(cls, (CLASS_STYLE["Resource"][0], "dot", "●", cls))


@dataclass
class VNode:
    id: str
    label: str
    cls: str
    weight: float = 1.0  # importance: degree, number of cities, ...
    cities: list[str] = field(default_factory=list)  # city labels, for the city filter
    domains: list[str] = field(default_factory=list)  # domain labels, for the domain filter
    tip: list[tuple[str, ...]] = field(default_factory=list)  # tooltip rows (key, text[, evidence ref])
    agg: tuple[str, str, str] | None = None  # (key, label, class) this node collapses into
    #: Tooltip rows computed only if the node is drawn (shown before ``tip``): a node
    #: collapsed by ``aggregate`` never pays for its evidence rows.
    detail: Callable[[], list[tuple[str, ...]]] | None = field(default=None, repr=False, compare=False)
    names: list[str] = field(default_factory=list)  # other names the search box finds it by (alt, en)

    def rows(self) -> list[tuple[str, ...]]:
        """All tooltip rows: the deferred ``detail`` ones, then ``tip``."""
        return [*self.detail(), *self.tip] if self.detail is not None else self.tip

    def search_key(self) -> str:
        """The node's search key (``viz.search``) without its label's own spelling, which the page matches anyway."""
        plain = self.label.lower().replace(" ", "")
        return SEP.join(f for f in search_key([self.label, *self.names]).split(SEP) if f != plain)

    def size(self) -> float:
        """The drawn radius in vis-network units: grows with the square root of the weight."""
        return round(10 + 8 * math.sqrt(max(self.weight, 1.0) - 1 + 1e-9), 1)

    def to_json(self, pos: tuple[float, float]) -> dict:
        colour, shape, _, name = style(self.cls)
        return {
            "id": self.id,
            "label": self.label,
            "cls": self.cls,
            "clsName": name,
            "color": colour,
            "shape": shape,
            "size": self.size(),
            "x": round(pos[0], 1),
            "y": round(pos[1], 1),
            "cities": self.cities,
            "domains": self.domains,
            "tip": [list(r) for r in self.rows()],
            "key": search_key([self.label, *self.names]),
        }


@dataclass
class VEdge:
    source: str
    target: str
    label: str = ""
    width: float = 1.0
    tip: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict:
        out: dict = {"from": self.source, "to": self.target, "width": round(self.width, 2)}
        if self.label:
            out["label"] = self.label
        if self.tip:
            out["tip"] = [list(r) for r in self.tip]
        return out


@dataclass
class GraphView:
    title: str
    nodes: list[VNode]
    edges: list[VEdge]
    subtitle: str = ""
    notes: list[str] = field(default_factory=list)
    directed: bool = True
    edge_labels: bool = False

    def legend(self) -> list[dict]:
        """One legend row per class present, in the order of CLASS_STYLE."""
        counts: dict[str, int] = defaultdict(int)
        for n in self.nodes:
            counts[n.cls] += 1
        order = {c: i for i, c in enumerate(CLASS_STYLE)}
        rows = []
        for cls in sorted(counts, key=lambda c: (order.get(c, len(order)), c)):
            colour, _shape, symbol, name = style(cls)
            rows.append({"cls": cls, "name": name, "color": colour, "symbol": symbol, "count": counts[cls]})
        return rows


def dedupe_edges(edges: list[VEdge]) -> list[VEdge]:
    """Merge parallel edges (same ends and label): widths add, tooltips concatenate.

    A merged tooltip keeps its first ``MAX_TIP_ROWS`` distinct rows and then says how
    many edges were merged: an aggregated edge can stand for thousands of edges.

    >>> [e.tip for e in dedupe_edges([VEdge("a", "b", tip=[("k", str(i))]) for i in range(20)])][0][-1]
    ('', '… 共 20 条边 (20 edges merged)')
    """
    return _merge((e.source, e.target, e.label, e.width, e.tip) for e in edges)


def _merge(edges: Iterable[tuple[str, str, str, float, list]]) -> list[VEdge]:
    """``dedupe_edges`` of (source, target, label, width, tip) tuples: an aggregated view merges
    hundreds of thousands of edges, and makes a ``VEdge`` only for each merged one."""
    merged: dict[tuple[str, str, str], VEdge] = {}
    count: dict[tuple[str, str, str], int] = defaultdict(int)
    full: set[tuple[str, str, str]] = set()
    for source, target, label, width, tip in edges:
        if source == target:
            continue
        key = (source, target, label)
        count[key] += 1
        m = merged.get(key)
        if m is None:
            merged[key] = VEdge(source, target, label, width, list(tip))
            continue
        m.width += width
        for r in tip:
            if r not in m.tip:
                if len(m.tip) >= MAX_TIP_ROWS:
                    full.add(key)
                    break
                m.tip.append(r)
    for key in full:
        merged[key].tip.append(("", f"… 共 {count[key]} 条边 ({count[key]} edges merged)"))
    return list(merged.values())


def aggregate(view: GraphView, max_nodes: int | None) -> GraphView:
    """Collapse nodes that carry an ``agg`` key when the view exceeds ``max_nodes``.

    The aggregated node counts its members; the page says what was collapsed.
    """
    if not max_nodes or len(view.nodes) <= max_nodes:
        return view
    groups: dict[str, list[VNode]] = defaultdict(list)
    kept: list[VNode] = []
    mapping: dict[str, str] = {}
    for n in view.nodes:
        if n.agg is None:
            kept.append(n)
            mapping[n.id] = n.id
        else:
            groups[n.agg[0]].append(n)
    existing = {n.id for n in kept}
    for key, members in groups.items():
        _, label, cls = members[0].agg  # type: ignore[misc]
        for m in members:
            mapping[m.id] = key
        if key in existing:  # the group key is a kept node (e.g. the concept itself)
            continue
        kept.append(
            VNode(
                key,
                f"{label} ×{len(members)}",
                cls,
                weight=float(len(members)),
                cities=sorted({c for m in members for c in m.cities}),
                domains=sorted({d for m in members for d in m.domains}),
                tip=[("聚合 / aggregated", f"{len(members)} 个节点"), *[("", m.label) for m in members[:12]]],
            )
        )
        existing.add(key)
    edges = _merge(
        (mapping[e.source], mapping[e.target], e.label, e.width, e.tip[:3])
        for e in view.edges
        if e.source in mapping and e.target in mapping
    )
    note = (
        f"此视图有 {len(view.nodes)} 个节点，超过上限 {max_nodes}，已按概念/类别聚合为 {len(kept)} 个节点 "
        f"(aggregated {len(view.nodes)} nodes above the limit of {max_nodes} into {len(kept)}; "
        "raise --max-nodes to see every node)."
    )
    return GraphView(
        view.title, kept, edges, view.subtitle, [*view.notes, note], view.directed, view.edge_labels
    )
