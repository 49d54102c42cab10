"""The named graph views, each a pure function of the ``Model``.

- overview: cities and the concepts their initiatives realize (who does what);
- city: one city's initiatives and metrics grouped by domain;
- reform: one concept across the cities that run it, with local names and metrics;
- analogues: initiatives linked by ck:Analogy, edge width by score.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from citykg.errors import InputError, NotFound
from citykg.viz.data import Analogy, Concept, Evidence, Initiative, Model, Observation
from citykg.viz.graphview import GraphView, VEdge, VNode, dedupe_edges, style

MAX_EVIDENCE = 3
#: rows of an edge's tooltip an aggregated view keeps (the slice in ``graphview.aggregate``)
AGG_TIP_ROWS = 3


def evidence_rows(model: Model, evidence: list[Evidence], limit: int = MAX_EVIDENCE) -> list[tuple[str, ...]]:
    """Tooltip rows for evidence: each distinct sentence once (a name mentioned twice in one
    sentence is two evidence rows), then its article title, date and file.

    A quote row carries a third field, ``"<doc IRI> <charStart>"``, that the page turns
    into a link to the article reader at that mention.
    """
    rows: list[tuple[str, ...]] = []
    seen: set[tuple[str, str]] = set()
    distinct = [ev for ev in evidence if (ev.quote, ev.doc) not in seen and not seen.add((ev.quote, ev.doc))]
    for ev in distinct[:limit]:
        rows.append(("quote", ev.quote, f"{ev.doc} {'' if ev.start is None else ev.start}"))
        doc = model.docs.get(ev.doc)
        if doc is not None:
            rows.append(("来源 source", _source_line(doc.title, doc.date, doc.publisher, doc.file)))
    if len(distinct) > limit:
        rows.append(("", f"… +{len(distinct) - limit} 条证据 more evidence"))
    return rows


@lru_cache(maxsize=4096)
def _source_line(title: str, date: str, publisher: str, file: str) -> str:
    """《title》 date publisher (file): the same few articles back most evidence rows.

    >>> _source_line("标题", "2024-03-01", "", "a.txt")
    '《标题》 2024-03-01 (a.txt)'
    """
    src = " ".join(x for x in (f"《{title}》" if title else "", date, publisher) if x)
    return f"{src} ({file})" if file else src


def labels(model: Model, iris: list[str]) -> list[str]:
    return [model.label(i) for i in iris if i]


def initiative_node(model: Model, i: Initiative, label: str | None = None) -> VNode:
    city = model.label(i.city)
    domains = labels(model, _initiative_domains(model, i))

    def detail() -> list[tuple[str, str]]:
        tip = [
            ("类别 class", f"{style(i.cls)[3]} {i.cls}"),
            ("城市 city", city),
            ("领域 domain", "、".join(domains)),
            ("概念 concept", "、".join(labels(model, i.concepts))),
        ]
        return [r for r in tip if r[1]] + evidence_rows(model, i.evidence)

    return VNode(i.iri, label or i.label, i.cls, 1.0, [city] if city else [], domains, detail=detail)


def observation_label(model: Model, o: Observation) -> str:
    value = o.value + (f"–{o.value_max}" if o.value_max else "")
    return f"{model.label(o.indicator)} {value}{o.unit}".strip()


def observation_node(model: Model, o: Observation) -> VNode:
    ind = model.concepts.get(o.indicator)
    city = model.label(model.subject_city(o.refers_to))

    def detail() -> list[tuple[str, str]]:
        value = o.value + (f"–{o.value_max}" if o.value_max else "")
        tip = [
            ("指标 indicator", model.label(o.indicator)),
            ("数值 value", f"{value} {o.unit}".strip()),
            ("限定 qualifier", o.qualifier),
            ("日期 date", o.as_of),
            ("主体 subject", model.label(o.refers_to)),
            ("原文 raw", o.raw),
            ("目标值 target", "是 yes" if o.is_target else ""),
            ("变化 change", o.role),
        ]
        return [r for r in tip if r[1]] + evidence_rows(model, o.evidence)

    domains = labels(model, ind.domains) if ind else []
    label = observation_label(model, o)
    names = [ind.label_en, *ind.alts] if ind else []
    return VNode(
        o.iri, label, "Observation", 1.0, [city] if city else [], domains, detail=detail, names=names
    )


def city_node(model: Model, iri: str, weight: float = 1.0) -> VNode:
    area = model.areas.get(iri)
    label = model.label(iri)
    tip = [("类别 class", "城市 City"), ("行政区划代码 adcode", area.adcode if area else "")]
    if area and area.parent:
        tip.append(("上级 part of", model.label(area.parent)))
    names = area.alts if area else []
    return VNode(
        iri, label, area.level if area else "City", weight, [label], [], [r for r in tip if r[1]], names=names
    )


def concept_class(c: Concept) -> str:
    """The legend class of a concept, from its scheme."""
    return {"reforms": "ReformConcept", "indicators": "Indicator", "domains": "Domain"}.get(
        c.scheme, "Concept"
    )


def concept_node(model: Model, c: Concept, weight: float = 1.0) -> VNode:
    cls = concept_class(c)
    domains = labels(model, c.domains)
    tip = [
        ("英文 English", c.label_en),
        ("概念表 scheme", c.scheme),
        ("领域 domain", "、".join(domains)),
        ("又称 also", "、".join(c.alts[:8])),
    ]
    return VNode(
        c.iri, c.label, cls, weight, [], domains, [r for r in tip if r[1]], names=[c.label_en, *c.alts]
    )


def _initiative_domains(model: Model, i: Initiative) -> list[str]:
    if i.domains:
        return i.domains
    return [d for c in i.concepts if c in model.concepts for d in model.concepts[c].domains]


def overview(model: Model) -> GraphView:
    """Cities and the concepts they run, concepts sized by the number of cities."""
    cities_of: dict[str, set[str]] = defaultdict(set)
    local_names: dict[tuple[str, str], set[str]] = defaultdict(set)
    for i in model.initiatives.values():
        if not i.city:
            continue
        for c in i.concepts:
            if c in model.concepts:
                cities_of[c].add(i.city)
                local_names[(i.city, c)].add(i.label)
    concept_count: dict[str, int] = defaultdict(int)
    for cities in cities_of.values():
        for city in cities:
            concept_count[city] += 1
    nodes: list[VNode] = []
    for city in sorted(concept_count, key=model.label):
        n = city_node(model, city, float(concept_count[city]))
        n.tip.append(("概念数 concepts", str(concept_count[city])))
        nodes.append(n)
    city_domains: dict[str, set[str]] = defaultdict(set)
    for c in sorted(cities_of, key=lambda x: model.concepts[x].label):
        concept = model.concepts[c]
        n = concept_node(model, concept, float(len(cities_of[c])))
        n.cities = sorted(model.label(x) for x in cities_of[c])
        n.tip.append(("城市 cities", f"{len(n.cities)}: " + "、".join(n.cities)))
        if concept.domains:
            d = concept.domains[0]
            n.agg = (f"agg:{d}", model.label(d), "Domain")
        for city in cities_of[c]:
            city_domains[city].update(n.domains)
        nodes.append(n)
    for n in nodes:
        if n.id in city_domains:
            n.domains = sorted(city_domains[n.id])
    edges = [
        VEdge(city, c, "", float(len(names)), [("当地名称 local name", "、".join(sorted(names)))])
        for (city, c), names in sorted(local_names.items())
    ]
    n_cities = len(concept_count)
    return GraphView(
        "城市与改革概念总览 Overview: cities and the concepts they run",
        nodes,
        edges,
        f"{n_cities} 个城市 cities · {len(cities_of)} 个概念 concepts · 概念大小 = 推行城市数 (size = number of cities)",
        directed=False,
    )


def city_view(model: Model, city: str) -> GraphView:
    """One city's initiatives, documents and metrics, grouped by domain."""
    name = model.label(city)
    hub = city_node(model, city, 8.0)
    nodes: dict[str, VNode] = {city: hub}
    edges: list[VEdge] = []

    def domain_hub(d: str) -> str:
        if d not in nodes:
            nodes[d] = VNode(
                d, model.label(d), "Domain", 3.0, [name], [model.label(d)], [("类别 class", "领域 Domain")]
            )
            edges.append(VEdge(city, d))
        return d

    docs: set[str] = set()
    for i in sorted(model.initiatives_by_city.get(city, ()), key=lambda x: (x.cls, x.label)):
        n = initiative_node(model, i)
        doms = _initiative_domains(model, i)
        n.agg = (i.concepts[0], model.label(i.concepts[0]), "ReformConcept") if i.concepts else (
            f"agg:{i.cls}:{doms[0] if doms else ''}", f"{style(i.cls)[3]}·{model.label(doms[0]) if doms else name}", i.cls
        )  # fmt: skip
        nodes[i.iri] = n
        parent = domain_hub(doms[0]) if doms else city
        edges.append(VEdge(parent, i.iri))
        for c in i.concepts:
            if c in model.concepts and c not in nodes:
                nodes[c] = concept_node(model, model.concepts[c])
                nodes[c].cities = [name]
            edges.append(VEdge(i.iri, c, "实现 realizes"))
        docs.update(ev.doc for ev in i.evidence)
    for o in sorted(model.observations_by_city.get(city, ()), key=lambda x: x.iri):
        n = observation_node(model, o)
        n.agg = (f"agg:{o.indicator}", model.label(o.indicator), "Indicator")
        nodes[o.iri] = n
        ind = model.concepts.get(o.indicator)
        subject = o.refers_to if o.refers_to in nodes and o.refers_to != city else None
        parent = subject or (domain_hub(ind.domains[0]) if ind and ind.domains else city)
        edges.append(VEdge(parent, o.iri))
        docs.update(ev.doc for ev in o.evidence)
    docs.update(d.iri for d in model.docs_by_city.get(city, ()))
    for d in sorted(docs):
        doc = model.docs.get(d)
        if doc is None:
            continue
        tip = [
            ("类别 class", "文章 SourceDocument"),
            ("日期 date", doc.date),
            ("来源 publisher", doc.publisher),
            ("文件 file", doc.file),
        ]
        nodes[d] = VNode(
            d, doc.title or doc.file, "SourceDocument", 2.0, [name], [], [r for r in tip if r[1]]
        )
        edges.append(VEdge(d, city, "关于 about"))
    _weigh_by_degree(list(nodes.values()), edges, keep={city})
    return GraphView(
        f"{name}：改革、平台、项目与指标 City view",
        list(nodes.values()),
        dedupe_edges(edges),
        f"{len(nodes) - 1} 个节点按领域分组 nodes grouped by domain",
    )


def reform_view(model: Model, concept: str, max_nodes: int | None = None) -> GraphView:
    """One concept across the cities that run it: each city's local initiative with its
    evidence, and the metrics that refer to those initiatives.

    The cities' other metrics (5G base stations, online-service rates, ...) are not
    about this reform: they are on the city and comparison pages. Above ``max_nodes``
    the page is aggregated (initiatives into their city, metrics into indicators).
    """
    c = model.concepts[concept]
    center = concept_node(model, c, 6.0)
    nodes: dict[str, VNode] = {concept: center}
    edges: list[VEdge] = []
    runs = model.initiatives_by_concept.get(concept, [])
    for i in sorted(runs, key=lambda x: (model.label(x.city), x.label)):
        n = initiative_node(model, i)
        if i.city:
            n.agg = (i.city, model.label(i.city), "City")
        nodes[i.iri] = n
        edges.append(VEdge(concept, i.iri, "当地做法 local"))
        if i.city:
            if i.city not in nodes:
                nodes[i.city] = city_node(model, i.city, 2.0)
            edges.append(VEdge(i.iri, i.city, "所在 in"))
    center.cities = sorted({model.label(i.city) for i in runs if i.city})
    center.tip.append(("城市 cities", f"{len(center.cities)}: " + "、".join(center.cities)))
    by_subject = model.observations_by_subject
    shown = [o for i in runs for o in by_subject.get(i.iri, ())]
    for o in sorted(shown, key=lambda x: x.iri):
        n = observation_node(model, o)
        n.agg = (f"agg:{o.indicator}", model.label(o.indicator), "Indicator")
        nodes[o.iri] = n
        edges.append(VEdge(o.refers_to, o.iri))  # type: ignore[arg-type]
    return GraphView(
        f"{c.label}：各城市的做法 Reform view",
        list(nodes.values()),
        dedupe_edges(edges),
        f"{len(center.cities)} 个城市推行 cities run it · {len(runs)} 项当地做法 local initiatives"
        f" · {len(shown)} 个相关指标 metrics of these initiatives",
    )


def _analogy_sentences(model: Model, a: Analogy) -> list[tuple[str, str]]:
    """One evidence sentence per side, with its article's title and date (newest article first)."""
    out = []
    for side, iri in (("原文 A", a.source), ("原文 B", a.target)):
        i = model.initiatives.get(iri)
        if i is None or not i.evidence:
            continue
        docs = [(model.docs.get(e.doc), e) for e in i.evidence]
        doc, ev = max(docs, key=lambda de: ((de[0].date if de[0] else ""), -len(de[1].quote)))
        where = f"{doc.title or doc.file} {doc.date}".strip() if doc else ""
        out.append((f"{side} · {i.label}", f"{ev.quote}（{where}）" if where else ev.quote))
    return out


def analogues_view(model: Model, max_nodes: int | None = None) -> GraphView:
    """Initiatives linked by analogy; edge width by score, tooltip with the reasons.

    With ``max_nodes`` exceeded the page is aggregated (``graphview.aggregate``), which keeps
    the first ``AGG_TIP_ROWS`` rows of each edge's tooltip: the evidence sentences, which
    follow the score and the basis, are then looked up only for an edge that keeps them.
    """
    nodes: dict[str, VNode] = {}
    for a in model.analogies:
        for iri in (a.source, a.target):
            if iri not in nodes:
                i = model.initiatives.get(iri)
                if i is None:
                    nodes[iri] = VNode(iri, model.label(iri), "Resource")
                    continue
                city = model.label(i.city)
                node = initiative_node(model, i, f"{i.label}（{city}）" if city else i.label)
                if i.concepts:
                    node.agg = (f"agg:{i.concepts[0]}", model.label(i.concepts[0]), "ReformConcept")
                nodes[iri] = node
    cut = bool(max_nodes) and len(nodes) > max_nodes  # type: ignore[operator]
    edges: list[VEdge] = []
    for a in model.analogies:
        tip = [("相似度 score", f"{a.score:.2f}")] + [("依据 basis", b) for b in a.basis]
        if not cut or len(tip) < AGG_TIP_ROWS:
            tip += _analogy_sentences(model, a)  # both sentences, with their articles (issue 14)
        edges.append(
            VEdge(a.source, a.target, f"{a.score:.2f}", 1.0 + 6.0 * max(0.0, min(a.score, 1.0)), tip)
        )
    _weigh_by_degree(list(nodes.values()), edges)
    notes = [] if edges else ["尚无类比：先运行 citykg analogues (no analogies in this build yet)."]
    return GraphView(
        "跨城市政策类比 Analogues",
        list(nodes.values()),
        edges,
        f"{len(edges)} 组类比 analogies · 线宽 = 相似度 (width = score)",
        notes,
        directed=False,
        edge_labels=len(edges) <= 300,
    )


def _weigh_by_degree(nodes: list[VNode], edges: list[VEdge], keep: set[str] | None = None) -> None:
    degree: dict[str, int] = defaultdict(int)
    for e in edges:
        degree[e.source] += 1
        degree[e.target] += 1
    for n in nodes:
        if not keep or n.id not in keep:
            n.weight = max(n.weight, float(degree[n.id]))


# ---- resolving names given on the command line ----


def find_city(model: Model, name: str) -> str:
    """The IRI of a city named by label, short name, adcode or IRI."""
    key = name.strip()
    hits = [
        a.iri
        for a in model.areas.values()
        if a.level == "City" and key in (a.iri, a.adcode, a.label, *a.alts)
    ]
    if len(hits) == 1:
        return hits[0]
    known = "、".join(model.label(c) for c in model.cities()[:20]) or "none - is the build empty?"
    raise NotFound("city", name, hint=f"cities with data: {known}")


def find_concept(model: Model, name: str, schemes: tuple[str, ...]) -> str:
    """The IRI of a concept of ``schemes`` named by prefLabel, altLabel, English label, slug or IRI."""
    key = name.strip()
    pool = [c for c in model.concepts.values() if c.scheme in schemes]
    for fields in (
        lambda c: (c.iri, c.label, c.slug),
        lambda c: (c.label_en, *c.alts),
    ):
        hits = [c.iri for c in pool if key in fields(c)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            names = "、".join(f"{model.label(h)} <{h}>" for h in hits)
            raise InputError(f'"{name}" names several concepts: {names} - pass the IRI.')
    reform = "reforms" in schemes
    used = model.concepts_in_use() if reform else model.indicators_in_use()
    known = "、".join(c.label for c in used[:20]) or "none"
    kind = "Reform concept" if reform else "Indicator"
    raise NotFound(kind, name, hint=f"concepts with data include: {known}")
