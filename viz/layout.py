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
from collections.abc import Iterable

import networkx as nx

SPRING_MAX = 200  # networkx's dense spring layout (no scipy needed) up to this size
HUBS = 80  # hubs laid out by the spring layout in larger graphs: its cost grows with their square
SEED = 7


def layout(node_ids: list[str], edges: Iterable[tuple[str, str]]) -> dict[str, tuple[float, float]]:
    """Positions in vis-network pixels for ``node_ids`` connected by ``edges``.

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
    if n <= SPRING_MAX:
        return _spring(node_ids, adj, scale)
    return _two_level(node_ids, adj, scale)


def _spring(node_ids: list[str], adj: dict[str, set[str]], scale: float) -> dict[str, tuple[float, float]]:
    g = nx.Graph()
    g.add_nodes_from(node_ids)
    g.add_edges_from((s, t) for s in node_ids for t in adj.get(s, ()) if s < t)
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
    for v in hubs:
        for w in adj.get(v, ()):
            if w in hub_set:
                hub_adj[v].add(w)
            else:
                for x in adj.get(w, ()):
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
            placed = [pos[u] for u in adj[w] if u in pos]
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
