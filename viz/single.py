"""One page on demand (``citykg viz VIEW ...``): the same pages the site has, written alone.

A single page links the site's other pages that exist on disk (a ``Linker`` from
OUT/views), inlines vis-network so it stays self-contained wherever ``-o`` puts it,
and reads only what it shows where that is cheap: ``city`` reads one city's
subgraph with bound queries (``viz.citymodel``) instead of the whole build.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from citykg.errors import InputError, NotFound
from citykg.paths import corpus_dir
from citykg.viz import views
from citykg.viz.chart import compare_html
from citykg.viz.data import Model, load_model
from citykg.viz.graphview import GraphView, aggregate
from citykg.viz.links import Linker, city_key, doc_key, view_path
from citykg.viz.mapview import map_html
from citykg.viz.reader import extracted, from_sentences, from_text, mentions_of, read_source_text
from citykg.viz.render import crumbs_html, write_text_atomic, write_view
from citykg.viz.site import section_crumbs
from citykg.viz.source import ViewSource


@dataclass
class Request:
    view: str
    name: str = ""
    output: Path | None = None
    max_nodes: int | None = None
    params: tuple[str, ...] = ()
    concept: str | None = None
    indicator: str | None = None


def _linker(model: Model, out: Path, path: Path) -> Linker:
    linker = Linker.from_disk(model, out)
    linker.here = path.resolve().parent
    linker.out_dir = out.resolve()
    return linker


def write_one(req: Request, source: ViewSource, out: Path) -> tuple[Path, str]:
    """Write the requested page; returns its path and a short description of what it holds."""
    if req.view == "city":
        from citykg.viz.citymodel import load_city_model

        model, iri = load_city_model(source, req.name)
        graph = views.city_view(model, iri)
        return _graph(
            graph, model, out, req, view_path(out, "city", city_key(model, iri)), "city", model.label(iri)
        )
    model = load_model(source)
    if req.view == "article":
        return _article(model, source, out, req)
    if req.view == "map":
        concept = views.find_concept(model, req.concept, ("reforms",)) if req.concept else None
        indicator = views.find_concept(model, req.indicator, ("indicators",)) if req.indicator else None
        path = _check(req.output or view_path(out, "map"))
        linker = _linker(model, out, path)
        crumbs = section_crumbs(linker, "overview", "地图 Map") if (out / "index.html").is_file() else []
        write_text_atomic(path, map_html(model, concept, indicator, linker, crumbs))
        return path, f"{len(model.cities())} cities"
    if req.view == "compare":
        iri = views.find_concept(model, req.name, ("indicators",))
        path = _check(req.output or view_path(out, "compare", model.concepts[iri].slug))
        write_text_atomic(path, compare_html(model, iri))
        return path, f"{len(model.observations_by_indicator.get(iri, []))} values"
    if req.view == "overview":
        return _graph(
            views.overview(model), model, out, req, view_path(out, "overview"), "overview", "总览 Overview"
        )
    if req.view == "analogues":
        graph = views.analogues_view(model)
        return _graph(graph, model, out, req, view_path(out, "analogues"), "overview", "类比 Analogues")
    if req.view == "reform":
        iri = views.find_concept(model, req.name, ("reforms",))
        graph = views.reform_view(model, iri, req.max_nodes)
        default = view_path(out, "reform", model.concepts[iri].slug)
        return _graph(graph, model, out, req, default, "reform", model.label(iri))
    from citykg.store import querylib
    from citykg.viz.querygraph import query_view, run_query

    result, src, hubs = run_query(req.name, querylib.parse_param_options(req.params), str(source.trig))
    graph = query_view(model, result, src, hubs)
    return _graph(
        graph, model, out, req, view_path(out, "query", _query_name(req.name)), "overview", "查询 Query"
    )


def _graph(
    graph: GraphView, model: Model, out: Path, req: Request, default: Path, kind: str, label: str
) -> tuple[Path, str]:
    shown = aggregate(graph, req.max_nodes)
    path = _check(req.output or default)
    linker = _linker(model, out, path)
    crumbs = section_crumbs(linker, kind, label) if (out / "index.html").is_file() else []
    write_view(shown, path, linker, None, crumbs)
    what = f"{len(shown.nodes)} nodes, {len(shown.edges)} edges" + (
        " (aggregated)" if shown is not graph else ""
    )
    return path, what


def _article(model: Model, source: ViewSource, out: Path, req: Request) -> tuple[Path, str]:
    """The reader of one article: FILE is the article file (whole text), its file name, hash or IRI."""
    given = Path(req.name)
    doc = _find_doc(model, req.name, given)
    d = model.docs[doc]
    candidates = [given] if given.is_file() else []
    if d.file:
        candidates.append(corpus_dir() / d.file)
    found = read_source_text(doc, candidates)
    mentions = extracted(model, mentions_of(source, doc))
    art = from_text(doc, found[0], mentions, found[1]) if found else from_sentences(doc, mentions)
    path = _check(req.output or view_path(out, "article", doc_key(doc)))
    linker = _linker(model, out, path)
    crumbs = section_crumbs(linker, "article", d.title or d.file) if (out / "index.html").is_file() else []
    from citykg.viz.reader import article_html

    write_text_atomic(path, article_html(model, art, linker, crumbs_html(crumbs)))
    return path, f"{len(art.mentions)} mentions, " + ("full text" if art.full else "quoted sentences")


def _find_doc(model: Model, name: str, given: Path) -> str:
    if given.is_file():
        from citykg.graph.ingest.documents import IngestError, read_document

        try:
            key = read_document(given).content_hash
        except (IngestError, OSError) as exc:
            raise InputError(f'"{given}": {exc}') from exc
        hits = [d for d in model.docs if doc_key(d) == key]
        if not hits:
            raise InputError(
                f'"{given}" is not an article of this build (its text is not in the graph).'
            )
        return hits[0]
    hits = [d.iri for d in model.docs.values() if name in (d.iri, d.file, doc_key(d.iri))]
    if len(hits) != 1:
        known = "、".join(sorted(d.file for d in model.docs.values() if d.file)[:10]) or "none"
        raise NotFound("article", name, hint=f"articles include: {known}.")
    return hits[0]


def _check(path: Path) -> Path:
    if path.exists() and path.is_dir():
        raise InputError(f'"{path}" is a folder - pass a file name such as {path / "view.html"}.')
    return path


def _query_name(query: str) -> str:
    """A short file-name stem for a query: the saved name or .rq stem, else "adhoc".

    >>> _query_name("q/city.rq"), _query_name("SELECT * {}"), _query_name("city-portfolio")
    ('city', 'adhoc', 'city-portfolio')
    """
    if query.endswith(".rq"):
        return Path(query).stem
    return "adhoc" if any(ch.isspace() or ch == "{" for ch in query) else query
