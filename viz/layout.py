"""Precomputed node positions, so pages appear at once with physics off.

Small graphs get networkx's spring layout. Large ones get a two-level layout
in linear time: the best-connected hub nodes are laid out with the spring
layout, then every other node is placed near the mean of its already placed
neighbours (breadth-first from the hubs), on a small ring so siblings do not
overlap. Components without hubs are laid out separately and packed around.
Deterministic for a given graph (fixed seed, sorted order).
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice

import networkx as nx
import numpy as np

SPRING_MAX = 200  # networkx's dense spring layout (no scipy needed) up to this size
HUBS = 80  # hubs laid out by the spring layout in larger graphs: its cost grows with their square
SEED = 7
FONT_PX = 14.0  # the views' label font size (view.js): labels scale with the drawing, so overlap is zoom-free
CJK_EM, LATIN_EM = 1.0, 0.56  # label character widths in em (CJK full width; Latin average)
LABEL_GAP = 3.0  # vis-network draws a label this far below its shape
PAD = 2.0  # px kept free around each label box
SPIRAL_STEP = 12.0  # px between the rings of candidate spots around a label that collides
SPIRAL_ASPECT = 3.0  # the rings are this much wider than tall, like the labels
SPIRAL_TRIES = 20_000  # candidate spots tried per label (a ring of radius 450 px) before it stays where it is
SPIRAL_HEAD = 2  # rings checked spot by spot (most labels find room there); further rings a group at a time
SPIRAL_GROUP = 4  # rings checked at once with numpy (fewer passes vs. more boxes per pass: fastest at 2,000)
REACH_SLACK = 1.000001  # float slack on the radii a placed box can be met at (it only lets more boxes be checked)
ROOM = 2.0  # a layout gets at least this many times its labels' total area before they are placed
MAX_SPREAD = 5000  # larger views keep their layout (the page aggregates above 2,000 nodes anyway)

#: A label box relative to its node: (width, height, top offset below the node centre).
Box = tuple[float, float, float]


@lru_cache(maxsize=1 << 16)  # every page's layout key measures all its labels again
def label_box(label: str, size: float) -> Box:
    """The box vis-network draws a node's label in (width, height, top below the centre).

    >>> label_box("青岛市", 10.0)
    (42.0, 19.0, 13.0)
    """
    width = sum(CJK_EM if ord(ch) > 0x2E80 else LATIN_EM for ch in label) * FONT_PX
    return round(width, 1), round(FONT_PX * 1.36, 1), size + LABEL_GAP


def _rect(p: tuple[float, float], box: Box) -> tuple[float, float, float, float]:
    w, h, top = box
    return p[0] - w / 2 - PAD, p[1] + top - PAD, p[0] + w / 2 + PAD, p[1] + top + h + PAD


def _pairs(rects: dict[str, tuple[float, float, float, float]]) -> set[tuple[str, str]]:
    """Pairs of keys whose rectangles intersect (a grid of the widest box's size, sorted pairs)."""
    cell = max((r[2] - r[0] for r in rects.values()), default=1.0) or 1.0
    grid: dict[tuple[int, int], list[str]] = defaultdict(list)
    for k, r in rects.items():
        for gx in range(int(r[0] // cell), int(r[2] // cell) + 1):
            for gy in range(int(r[1] // cell), int(r[3] // cell) + 1):
                grid[(gx, gy)].append(k)
    out: set[tuple[str, str]] = set()
    for members in grid.values():
        for i, a in enumerate(members):
            ra = rects[a]
            for b in members[i + 1 :]:
                rb = rects[b]
                if ra[0] < rb[2] and rb[0] < ra[2] and ra[1] < rb[3] and rb[1] < ra[3]:
                    out.add((a, b) if a < b else (b, a))
    return out


def overlapping(pos: dict[str, tuple[float, float]], boxes: dict[str, Box]) -> set[str]:
    """Nodes whose label box overlaps another's (what the browser test counts).

    >>> sorted(overlapping({"a": (0, 0), "b": (5, 0), "c": (500, 0)}, {k: (40, 19, 13) for k in "abc"}))
    ['a', 'b']
    """
    pairs = _pairs({k: _rect(pos[k], boxes[k]) for k in pos if k in boxes})
    return {k for pair in pairs for k in pair}


def _make_room(pos: dict[str, tuple[float, float]], boxes: dict[str, Box]) -> None:
    """Scale the layout up, in place, until its area is ``ROOM`` times the labels' total area.

    Pushing pairs apart cannot make room that is not there: a layout whose labels
    cover more than its own area would take hundreds of passes to spread.

    >>> pos = {"a": (0.0, 0.0), "b": (10.0, 0.0), "c": (0.0, 10.0)}
    >>> _make_room(pos, {k: (40.0, 19.0, 13.0) for k in pos}); pos["b"][0] > 10
    True
    """
    if len(pos) < 2:
        return
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    area = max(max(xs) - min(xs), 1.0) * max(max(ys) - min(ys), 1.0)
    need = ROOM * sum((boxes[k][0] + 2 * PAD) * (boxes[k][1] + 2 * PAD) for k in pos if k in boxes)
    if need > area:
        f = math.sqrt(need / area)
        for k, (x, y) in pos.items():
            pos[k] = (x * f, y * f)


def _spiral(step: float, aspect: float = 1.0) -> Iterator[tuple[float, float]]:
    """Offsets around a point, nearest first: the centre, then elliptic rings ``step`` apart
    vertically and ``aspect`` times that horizontally (labels are wide and short).

    >>> from itertools import islice
    >>> [tuple(round(v) for v in o) for o in islice(_spiral(10.0, 2.0), 3)]
    [(0, 0), (20, 0), (14, 7)]
    """
    yield 0.0, 0.0
    ring = 1
    while True:
        r = ring * step
        count = max(8, int(2 * math.pi * ring))
        for i in range(count):
            a = 2 * math.pi * i / count
            yield aspect * r * math.cos(a), r * math.sin(a)
        ring += 1


Rect = tuple[float, float, float, float]


class _Placed:
    """Label boxes already placed: a grid of cells (a few candidate spots checked in Python) and the
    same boxes as arrays (rings of candidate spots checked at once with numpy).

    Both answer the same question exactly (does a box meet one already placed, strict
    inequalities), so which one answers never changes the result.
    """

    def __init__(self, cell: float, capacity: int) -> None:
        self.cell = cell
        self.grid: dict[tuple[int, int], list[Rect]] = defaultdict(list)
        self.rects = np.empty((4, capacity))
        self.count = 0

    def _cells(self, r: Rect) -> Iterator[tuple[int, int]]:
        cell = self.cell
        for gx in range(int(r[0] // cell), int(r[2] // cell) + 1):
            for gy in range(int(r[1] // cell), int(r[3] // cell) + 1):
                yield gx, gy

    def free(self, r: Rect) -> bool:
        """True when ``r`` meets no placed box."""
        grid = self.grid
        for c in self._cells(r):
            for q in grid.get(c, ()):
                if r[0] < q[2] and q[0] < r[2] and r[1] < q[3] and q[1] < r[3]:
                    return False
        return True

    def add(self, r: Rect) -> None:
        self.rects[:, self.count] = r
        self.count += 1
        for c in self._cells(r):
            self.grid[c].append(r)

    def first_free(self, x0: float, y0: float, box: Box) -> tuple[float, float]:
        """The first spot of the spiral after its first ``SPIRAL_HEAD`` rings whose box is free
        (the last spot tried when none is): the rings are taken ``SPIRAL_GROUP`` at a time, and
        each group is checked only against the boxes that can meet one of its spots."""
        w, h, top = box
        placed = self.rects[:, : self.count]
        near, far = _ring_reach(placed, x0, y0, box)
        for rin, rout, dx, dy in _rings(SPIRAL_STEP, SPIRAL_ASPECT, SPIRAL_TRIES):
            xs, ys = x0 + dx, y0 + dy
            sel = np.flatnonzero((near <= rout * REACH_SLACK) & (far >= rin / REACH_SLACK))
            if not sel.size:
                return float(xs[0]), float(ys[0])
            q = placed[:, sel]
            yt = ys + top  # the same operations, in the same order, as _rect: the same floats
            r0, r2 = (xs - w / 2 - PAD)[:, None], (xs + w / 2 + PAD)[:, None]
            r1, r3 = (yt - PAD)[:, None], (yt + h + PAD)[:, None]
            free = np.flatnonzero(~((r0 < q[2]) & (q[0] < r2) & (r1 < q[3]) & (q[1] < r3)).any(axis=1))
            if free.size:
                return float(xs[free[0]]), float(ys[free[0]])
        return float(xs[-1]), float(ys[-1])


def _ring_reach(placed: np.ndarray, x0: float, y0: float, box: Box) -> tuple[np.ndarray, np.ndarray]:
    """For each placed box, the least and greatest spiral radius (in ``SPIRAL_STEP`` px, the ring's
    height) at which a spot's box could meet it: the box grown by the spot's box (and 1 px), then
    the nearest and farthest of its points from the spot in the spiral's elliptic metric."""
    w, h, top = box
    ex0, ex1 = placed[0] - w / 2 - PAD - 1 - x0, placed[2] + w / 2 + PAD + 1 - x0
    ey0, ey1 = placed[1] - top - h - PAD - 1 - y0, placed[3] - top + PAD + 1 - y0
    nx, ny = np.clip(0.0, ex0, ex1) / SPIRAL_ASPECT, np.clip(0.0, ey0, ey1)
    fx = np.maximum(np.abs(ex0), np.abs(ex1)) / SPIRAL_ASPECT
    fy = np.maximum(np.abs(ey0), np.abs(ey1))
    return np.sqrt(nx * nx + ny * ny), np.sqrt(fx * fx + fy * fy)


@lru_cache(maxsize=4)
def _rings(step: float, aspect: float, tries: int) -> list[tuple[float, float, np.ndarray, np.ndarray]]:
    """The spiral's spots after its first ``SPIRAL_HEAD`` rings, up to spot ``tries``, in groups of
    ``SPIRAL_GROUP`` rings: (inner radius, outer radius, x offsets, y offsets) each.

    >>> [(a, b, len(dx)) for a, b, dx, _ in _rings(10.0, 2.0, 100)]
    [(30.0, 60.0, 80)]
    """
    spots = list(islice(_spiral(step, aspect), tries + 1))
    n = 1 + sum(_ring_size(ring) for ring in range(1, SPIRAL_HEAD + 1))
    ring, out = SPIRAL_HEAD + 1, []
    while n < len(spots):
        first, k = ring, 0
        while ring - first < SPIRAL_GROUP and n + k < len(spots):
            k, ring = k + _ring_size(ring), ring + 1
        chunk = spots[n : n + k]
        out.append((first * step, (ring - 1) * step, np.array([o[0] for o in chunk]), np.array([o[1] for o in chunk])))
        n += len(chunk)
    return out


def _ring_size(ring: int) -> int:
    """Spots on ring ``ring`` of ``_spiral``."""
    return max(8, int(2 * math.pi * ring))


def spread_labels(
    pos: dict[str, tuple[float, float]], boxes: dict[str, Box], order: list[str] | None = None
) -> None:
    """Move nodes, in place, so that no two label boxes overlap.

    Greedy placement: nodes in ``order`` (default: largest node first, then widest label) keep
    their position when their label box is free, else take the nearest free spot
    on a spiral around it (the first of ``SPIRAL_TRIES`` spots, else the last). The first rings
    are checked spot by spot through a grid of the boxes placed; a label that finds no room there
    (in a crowded hub) checks the further rings a group at a time against only the boxes that can
    meet them (``_Placed.first_free``). The result has no overlap by construction and is
    deterministic for a given input.

    >>> pos = {"a": (0.0, 0.0), "b": (5.0, 0.0)}
    >>> spread_labels(pos, {"a": (40, 19, 13), "b": (40, 19, 13)}); overlapping(pos, {"a": (40, 19, 13), "b": (40, 19, 13)})
    set()
    """
    _make_room(pos, boxes)
    keys = order or sorted((k for k in pos if k in boxes), key=lambda k: (-boxes[k][2], -boxes[k][0], k))
    placed = _Placed(2 * max((boxes[k][1] for k in keys), default=20.0) + 4 * PAD, len(keys))
    head = list(islice(_spiral(SPIRAL_STEP, SPIRAL_ASPECT), 1 + sum(map(_ring_size, range(1, SPIRAL_HEAD + 1)))))
    for k in keys:
        x0, y0 = pos[k]
        for dx, dy in head:
            r = _rect((x0 + dx, y0 + dy), boxes[k])
            if placed.free(r):
                pos[k] = (x0 + dx, y0 + dy)
                break
        else:
            pos[k] = placed.first_free(x0, y0, boxes[k])
            r = _rect(pos[k], boxes[k])
        placed.add(r)


def layout(
    node_ids: list[str],
    edges: Iterable[tuple[str, str]],
    boxes: dict[str, Box] | None = None,
) -> dict[str, tuple[float, float]]:
    """Positions in vis-network pixels for ``node_ids`` connected by ``edges``.

    With ``boxes`` (each node's label box, ``label_box``) overlapping labels are then
    pushed apart (``spread_labels``), so labels do not collide at any zoom.

    >>> pos = layout(["a", "b", "c"], [("a", "b"), ("b", "c")])
    >>> sorted(pos) == ["a", "b", "c"] and all(isinstance(v[0], float) for v in pos.values())
    True
    """
    adj: dict[str, set[str]] = defaultdict(set)
    ids = set(node_ids)
    for s, t in edges:
        if s in ids and t in ids and s != t:
            adj[s].add(t)
            adj[t].add(s)
    n = len(node_ids)
    if n == 0:
        return {}
    scale = 80.0 * math.sqrt(n)
    pos = _spring(node_ids, adj, scale) if n <= SPRING_MAX else _two_level(node_ids, adj, scale)
    if boxes and n <= MAX_SPREAD:
        spread_labels(pos, boxes)
    return pos


def _spring(node_ids: list[str], adj: dict[str, set[str]], scale: float) -> dict[str, tuple[float, float]]:
    g = nx.Graph()
    g.add_nodes_from(node_ids)
    g.add_edges_from((s, t) for s in node_ids for t in sorted(adj.get(s, ())) if s < t)
    if len(node_ids) == 1:
        return {node_ids[0]: (0.0, 0.0)}
    k = 1.5 / math.sqrt(len(node_ids))
    iterations = 30 if len(node_ids) <= 120 else 60  # small views converge fast; keeps write_site ~1 s
    pos = nx.spring_layout(g, k=k, seed=SEED, iterations=iterations, scale=scale)
    return {str(v): (float(p[0]), float(p[1])) for v, p in pos.items()}


def _two_level(node_ids: list[str], adj: dict[str, set[str]], scale: float) -> dict[str, tuple[float, float]]:
    order = sorted(node_ids, key=lambda v: (-len(adj.get(v, ())), v))
    hubs = order[:HUBS]
    hub_set = set(hubs)
    # hubs are linked when they are adjacent or share a neighbour (two-hop), so
    # the spring layout sees the structure hidden behind the leaves
    hub_adj: dict[str, set[str]] = defaultdict(set)
    # every loop over a neighbour set is sorted: set order changes from process to process
    # (string hashing), and both the 50-link cap and the float sums depend on the order
    for v in hubs:
        for w in sorted(adj.get(v, ())):
            if w in hub_set:
                hub_adj[v].add(w)
            else:
                for x in sorted(adj.get(w, ())):
                    if x in hub_set and x != v and len(hub_adj[v]) < 50:
                        hub_adj[v].add(x)
    pos = _spring(hubs, hub_adj, scale)
    spacing = scale / math.sqrt(len(node_ids))
    queue = deque(hubs)
    child_count: dict[str, int] = defaultdict(int)
    heading: dict[str, float] = {}  # the angle a node was placed at, seen from its parent
    while queue:
        v = queue.popleft()
        for w in sorted(adj.get(v, ())):
            if w in pos:
                continue
            placed = [pos[u] for u in sorted(adj[w]) if u in pos]
            cx = sum(p[0] for p in placed) / len(placed)
            cy = sum(p[1] for p in placed) / len(placed)
            i = child_count[v]
            child_count[v] += 1
            ring = 1 + int(math.sqrt(i))
            # golden angle: even spread around the parent; turned by the parent's own heading,
            # so two cousins never land on the same spot (offsets a+b and b+a would coincide)
            angle = heading.get(v, 0.0) + i * 2.399963
            heading[w] = angle
            r = spacing * (0.8 + 0.5 * ring)
            pos[w] = (cx + r * math.cos(angle), cy + r * math.sin(angle))
            queue.append(w)
    rest = [v for v in node_ids if v not in pos]
    if rest:  # components without a hub: a grid of small clusters outside the main one
        radius = max((math.hypot(*p) for p in pos.values()), default=0.0) + 3 * spacing
        for i, v in enumerate(rest):
            angle = i * 2.399963
            r = radius + spacing * math.sqrt(i)
            pos[v] = (r * math.cos(angle), r * math.sin(angle))
    return pos
