"""Page rendering and the view model, on the hand-made mini build (no browser)."""

from __future__ import annotations

import doctest
import json
import re
from pathlib import Path

import pytest

from citykg.viz import chart, data, graphview, layout, querygraph, render, site, views
from citykg.viz.data import load_model
from citykg.viz.graphview import GraphView, VEdge, VNode, aggregate
from citykg.viz.source import ViewSource


@pytest.fixture(scope="module")
def model(mini_trig: Path) -> data.Model:
    return load_model(ViewSource(mini_trig))


@pytest.mark.parametrize("module", [data, graphview, layout, render, chart, site, querygraph, views])
def test_doctests(module: object) -> None:
    assert doctest.testmod(module).failed == 0  # type: ignore[arg-type]


def test_model_reads_the_mini_build(model: data.Model) -> None:
    assert [model.label(c) for c in model.cities()] == ["威海市", "株洲市", "青岛市"]
    assert len(model.initiatives) == 9 and len(model.observations) == 4 and len(model.analogies) == 1
    some = next(i for i in model.initiatives.values() if i.evidence)
    assert some.evidence[0].quote and some.evidence[0].doc in model.docs


def test_overview_is_bipartite_cities_and_concepts(model: data.Model) -> None:
    view = views.overview(model)
    classes = {n.id: n.cls for n in view.nodes}
    assert {classes[e.source] for e in view.edges} == {"City"}
    assert {classes[e.target] for e in view.edges} == {"ReformConcept"}
    shared = max((n for n in view.nodes if n.cls == "ReformConcept"), key=lambda n: n.weight)
    assert shared.weight == len(shared.cities) >= 2  # sized by the number of cities


def test_payload_cannot_close_the_data_script(model: data.Model) -> None:
    bad = "</script><script>window.__pwned=1</script><!--"
    view = GraphView(
        bad,
        [VNode("a", bad, "Reform", tip=[("quote", bad)]), VNode("b", "b", "City")],
        [VEdge("a", "b", bad)],
        bad,
        [bad],
    )
    page = render.render_html(view)
    assert page.count("</script>") == 3  # data, vis-network, view script: nothing from the payload
    assert "<script>window.__pwned" not in page
    embedded = re.search(r'<script type="application/json" id="ck-data">(.*?)</script>', page, re.S)
    assert embedded is not None and json.loads(embedded.group(1))["nodes"][0][1] == bad  # [id, label, ...]


def test_aggregation_keeps_edges_between_groups(model: data.Model) -> None:
    view = views.city_view(model, views.find_city(model, "青岛"))
    small = aggregate(view, 3)
    ids = {n.id for n in small.nodes}
    assert len(small.nodes) < len(view.nodes) and small.notes
    assert all(e.source in ids and e.target in ids for e in small.edges)


def test_compare_page_sorts_and_links_bars(model: data.Model) -> None:
    ind = model.indicators_in_use()[0]
    page = chart.compare_html(model, ind.iri)
    groups = chart.bars_by_unit(model, ind.iri)
    values = [b.value for bars in groups.values() for b in bars]
    assert values == sorted(values, reverse=True) or len(groups) > 1
    for bars in groups.values():
        for b in bars:
            assert f'href="#{b.key}"' in page and f'id="{b.key}"' in page
    assert "<script" not in page


def test_layout_is_deterministic_and_scales() -> None:
    ids = [f"n{i}" for i in range(1200)]
    edges = [(f"n{i}", f"n{i // 7}") for i in range(1, 1200)]
    a, b = layout.layout(ids, edges), layout.layout(ids, edges)
    assert a == b and len(a) == 1200
    assert len({(round(x), round(y)) for x, y in a.values()}) > 1100  # nodes do not pile up
