"""``write_site``: OUT/index.html links every view, and every link resolves."""

from __future__ import annotations

import re
from pathlib import Path

from citykg.store.core import open_store
from citykg.viz.site import safe_name, view_path, write_site


def test_build_writes_an_index_linking_every_view(built: Path) -> None:
    index = built / "index.html"
    text = index.read_text(encoding="utf-8")
    links = [h for h in re.findall(r'href="([^"]+)"', text) if not h.startswith("#")]
    assert links and all((built / link).is_file() for link in links)
    anchors = re.findall(r'href="#([^"]+)"', text)
    assert anchors and all(f'id="{a}"' in text for a in anchors)
    store = open_store(built)
    cities = store.select("SELECT DISTINCT ?a WHERE { ?x ck:inCity ?c . ?c ck:adcode ?a ; a ck:City }")
    for row in cities:
        assert f"views/city-{row['a']}.html" in links
    reforms = store.select(
        "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?x ck:realizes ?c . ?c skos:inScheme ?s }"
    )
    assert sum(1 for link in links if "/reform-" in link) == int(reforms[0]["n"])
    # the comparison list: curated indicators in use, and minted ones only when >= 2 cities report them
    indicators = store.select(
        """SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE {
          ?o ck:indicator ?i . ?i skos:inScheme ?s .
          OPTIONAL { ?i ck:curated ?curated }
          OPTIONAL { SELECT ?i (COUNT(DISTINCT ?c) AS ?k) WHERE {
              ?x ck:indicator ?i ; ck:refersTo ?a . OPTIONAL { ?a ck:inCity ?owner }
              BIND(COALESCE(?owner, ?a) AS ?c) ?c a ck:City } GROUP BY ?i }
          FILTER(COALESCE(?curated, true) || COALESCE(?k, 0) >= 2) }"""
    )
    assert sum(1 for link in links if "/compare-" in link) == int(indicators[0]["n"])
    assert {"views/overview.html", "views/analogues.html", "views/map.html", "citykg.trig"} <= set(links)
    assert "ontology/index.html" in links  # the ontology documentation
    docs = store.select("SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a ck:SourceDocument }")
    assert sum(1 for link in links if "/article-" in link) == int(docs[0]["n"])
    # the graph pages share one vis-network beside them
    assert (built / "assets" / "vis-network.min.js").is_file()
    assert '<script src="../assets/vis-network.min.js">' in (built / "views" / "overview.html").read_text(
        "utf-8"
    )


def test_rewrite_drops_stale_pages(out_copy: Path) -> None:
    stale = view_path(out_copy, "city", "999999")
    stale.write_text("old", encoding="utf-8")
    assert write_site(out_copy) == out_copy / "index.html"
    assert not stale.exists()


def test_a_large_corpus_gets_pages_for_its_largest_cities_and_concepts(out_copy: Path) -> None:
    write_site(out_copy, max_pages=2)
    pages = sorted(p.name for p in (out_copy / "views").glob("*.html"))
    assert sum(1 for p in pages if p.startswith("city-")) == 2
    assert sum(1 for p in pages if p.startswith("reform-")) == 2
    index = (out_copy / "index.html").read_text(encoding="utf-8")
    assert "3 more not written): citykg viz city NAME" in index  # five seed cities, two written
    assert "citykg viz reform NAME" in index


def test_site_from_the_mini_fixture(mini_trig: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "citykg.trig").write_bytes(mini_trig.read_bytes())
    write_site(out)
    names = sorted(p.name for p in (out / "views").iterdir())
    assert "overview.html" in names and sum(n.startswith("city-") for n in names) == 3
    assert not list(out.glob("views/*.tmp"))


def test_safe_name_keeps_paths_inside_views() -> None:
    assert "/" not in safe_name("../../etc/passwd") and safe_name("a b") == "a-b"
