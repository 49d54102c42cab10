"""The build: source files -> ``OUT/citykg.trig`` (plus the post-build steps of other packages).

Named steps, in order: collect sources (files, folders, manifests) -> ingest and
extract each file in worker processes (its quads cached in ``OUT/cache``; the
worker also writes its document graph as a sorted TriG block and picks the
working set, ``workset``) -> the main process spools each block to disk and
keeps only the working set, the ontology, the schemes and the divisions in an
in-memory pyoxigraph store -> analogues, spooled as they come -> ``citykg.trig``
assembled in a temp file and renamed (``trig``) -> persistent SPARQL store,
ontology docs, HTML site. So memory grows with the working set (about a fifth
of the quads), not with the whole graph. A bad input file is a one-line
problem; the others are still built.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from citykg.graph import cache as cachemod
from citykg.graph.ingest.documents import (
    DEFAULT_MAX_BYTES,
    SUFFIXES,
    IngestError,
    SourceMeta,
    load_manifest,
    read_document,
)
from citykg.graph.kb import KnowledgeBase, load_kb
from citykg.graph.pipeline import extract
from citykg.graph.rdf.emit import N, division_quads, rdfize
from citykg.graph.rdf.trig import Spool, block, write_blocks, write_trig
from citykg.graph.rdf.workset import INITIATIVE_CLASSES, working_set
from citykg.namespaces import GRAPH_ANALOGIES, GRAPH_ONTOLOGY, GRAPH_SCHEMES, PREFIXES
from citykg.paths import TRIG_NAME, corpus_dir, ontology_dir


@dataclass
class Source:
    path: Path
    meta: SourceMeta | None = None


@dataclass
class DocResult:
    """What a worker returns for one file."""

    path: Path
    file_name: str
    content_hash: str | None = None
    nquads: str = ""  # every quad (graph + minted concepts), for the cache; only when freshly extracted
    trig: bytes = b""  # the document graph as one sorted TriG block
    work: bytes = b""  # N-Quads: the working set (default graph) and the minted concepts (schemes graph)
    quads: int = 0  # quads in the document graph
    observations: int = 0
    areas: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    cached: bool = False


@dataclass
class BuildReport:
    out: Path
    trig: Path | None = None
    documents: int = 0
    extracted: int = 0
    reused: int = 0
    problems: list[str] = field(default_factory=list)  # skipped inputs (exit code 2)
    warnings: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    steps: dict[str, float] = field(default_factory=dict)  # seconds per named step
    seconds: float = 0.0

    def step(self, name: str, since: float) -> float:
        """Record the seconds of step ``name`` (started at ``since``); returns now."""
        now = time.perf_counter()
        self.steps[name] = round(self.steps.get(name, 0.0) + now - since, 3)
        return now


# ---------------------------------------------------------------- sources


_NOT_ARTICLES = ("readme", "changelog", "license", "licence", "contributing")


def _is_article(f: Path, root: Path) -> bool:
    """A file of a source folder that is an article (not hidden, not the folder's README)."""
    return (f.is_file() and f.suffix.lower() in SUFFIXES and not f.stem.lower().startswith(_NOT_ARTICLES)
            and not any(part.startswith(".") for part in f.relative_to(root).parts))  # fmt: skip


def collect_sources(paths: Iterable[Path]) -> tuple[list[Source], list[str]]:
    """Files to build (folders expanded, manifests applied) and one-line problems."""
    sources: list[Source] = []
    problems: list[str] = []
    manifests: dict[Path, dict[str, SourceMeta]] = {}

    def manifest(folder: Path) -> dict[str, SourceMeta]:
        if folder not in manifests:
            try:
                manifests[folder] = load_manifest(folder)
            except IngestError as exc:
                problems.append(f"{folder / 'manifest.json'}: {exc}")
                manifests[folder] = {}
            for name in sorted(manifests[folder]):
                if not (folder / name).is_file():
                    problems.append(f"{folder / 'manifest.json'}: entry for missing file {name}; skipped")
        return manifests[folder]

    seen: set[Path] = set()
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if _is_article(f, p))
            if not files:
                problems.append(f"{p}: no .txt, .md or .html files in this folder")
        elif p.is_file():
            files = [p]
        else:
            problems.append(f"{p}: no such file or folder")
            continue
        for f in files:
            key = f.resolve()
            if key in seen:
                continue
            seen.add(key)
            sources.append(Source(f, manifest(f.parent).get(f.name)))
    return sources, problems


# ---------------------------------------------------------------- one document (runs in a worker)

_KB: KnowledgeBase | None = None


def _kb() -> KnowledgeBase:
    global _KB
    if _KB is None:
        _KB = load_kb()
    return _KB


def _warm() -> None:
    """Load the knowledge base, jieba and every lexicon once, in this process."""
    import jieba

    from citykg.graph.extract.places import warm_up
    from citykg.graph.ingest.documents import document_from_text

    jieba.initialize()
    warm_up(_kb())
    extract(
        document_from_text("北京市推进“一网通办”改革,政务服务事项网上可办率达到98%。", "warm-up.txt"), _kb()
    )


def process(source: Source, max_bytes: int, cache: Path | None, reuse: dict[str, str],
            seen: set[str] | None = None) -> DocResult:  # fmt: skip
    """Ingest and extract one file (or reuse its cached quads) -> N-Quads text.

    ``seen``: content hashes already extracted in this process; a file with the
    same text is not extracted again (the build reports it as a duplicate).
    """
    result = DocResult(path=source.path, file_name=source.path.name)
    try:
        doc = read_document(source.path, source.meta, max_bytes=max_bytes)
    except IngestError as exc:
        result.error = str(exc)
        return result
    except OSError as exc:
        result.error = f"cannot read ({exc.strerror or exc})"
        return result
    result.content_hash = doc.content_hash
    if seen is not None:
        if doc.content_hash in seen:
            return result
        seen.add(doc.content_hash)
    hit = cache is not None and reuse.get(doc.content_hash) == doc.file_name
    entry = cachemod.load_entry(cache, doc.content_hash) if hit and cache is not None else None
    if entry is not None:
        nquads, meta = entry
        result.areas, result.warnings = list(meta.get("areas", [])), list(meta.get("warnings", []))
        result.cached = True
        schemes = N(GRAPH_SCHEMES)
        quads = list(ox.parse(input=nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
        _split(result, [q for q in quads if q.graph_name != schemes], [q for q in quads if q.graph_name == schemes])
        return result
    kb = _kb()
    ex = extract(doc, kb)
    dq = rdfize(ex, kb)
    result.nquads = ox.serialize(dq.all_quads(), format=ox.RdfFormat.N_QUADS).decode("utf-8")
    result.areas = sorted(dq.areas)
    result.warnings = ex.warnings
    _split(result, dq.quads, dq.scheme_quads)
    return result


def _split(result: DocResult, graph: list[ox.Quad], schemes: list[ox.Quad]) -> None:
    """The document graph as a TriG block; the working set and minted concepts as N-Quads."""
    result.trig, result.quads = block(graph), len(graph)
    work, result.observations = working_set(graph)
    result.work = ox.serialize([*(ox.Quad(*t) for t in work), *schemes], format=ox.RdfFormat.N_QUADS)


# ---------------------------------------------------------------- the build


def ontology_files() -> list[Path]:
    try:
        from citykg.ontofiles import ontology_graph_files
    except ModuleNotFoundError:
        root = ontology_dir()
        return [f for f in (root / "citykg.ttl", root / "units.ttl") if f.exists()]
    return list(ontology_graph_files())


def _run(sources: list[Source], jobs: int, max_bytes: int, cache: Path | None,
         reuse: dict[str, str]) -> Iterator[DocResult]:  # fmt: skip
    """Results in input order, one at a time (so their quads need not all be held at once)."""
    if jobs <= 1 or len(sources) < 8:
        seen: set[str] = set()
        for s in sources:
            yield process(s, max_bytes, cache, reuse, seen)
        return
    _warm()  # lexicons and dictionaries loaded before forking, shared copy-on-write
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        n = len(sources)
        chunk = max(1, min(16, n // (jobs * 8)))
        yield from pool.map(process, sources, [max_bytes] * n, [cache] * n, [reuse] * n, chunksize=chunk)


def build(paths: Iterable[Path] | None, out: Path, *, incremental: bool = False, max_bytes: int = DEFAULT_MAX_BYTES,
          jobs: int | None = None, post_steps: bool = True, analogues: bool = True,
          progress: Callable[[int], None] | None = None, sources: list[Source] | None = None) -> BuildReport:  # fmt: skip
    """Build ``out/citykg.trig`` from ``paths`` (default: the bundled corpus)."""
    t0 = time.perf_counter()
    report = BuildReport(out=out)
    if sources is None:
        sources, report.problems = collect_sources(list(paths) if paths else [corpus_dir()])
    cache = out / cachemod.CACHE_DIR
    fp = cachemod.fingerprint()
    reuse = cachemod.read_index(cache, fp) if incremental else {}
    jobs = jobs or min(2, os.cpu_count() or 1)

    out.mkdir(parents=True, exist_ok=True)
    spools: list[Spool] = []
    try:
        t = _build_graph(sources, out, report, spools, jobs=jobs, max_bytes=max_bytes, cache=cache, reuse=reuse,
                         fingerprint=fp, analogues=analogues, progress=progress, t0=t0)  # fmt: skip
    finally:
        for spool in spools:
            spool.close()
    if post_steps and report.trig is not None:
        _post_steps(out, report)
        report.step("post", t)
    report.seconds = time.perf_counter() - t0
    return report


def _build_graph(sources: list[Source], out: Path, report: BuildReport, spools: list[Spool], *, jobs: int,
                 max_bytes: int, cache: Path, reuse: dict[str, str], fingerprint: str, analogues: bool,
                 progress: Callable[[int], None] | None, t0: float) -> float:  # fmt: skip
    """Extract, spool, find analogues and write the TriG (``report.trig``); the working store dies here."""
    store = ox.Store()
    docs = Spool(out / TRIG_NAME, "documents")
    spools.append(docs)
    seen: dict[str, str] = {}
    areas: set[str] = set()
    observations = 0
    unique = _drop_copies(sources, max_bytes, report)
    if progress and len(unique) < len(sources):
        progress(len(sources) - len(unique))
    for r in _run(unique, jobs, max_bytes, cache, reuse):
        if progress:
            progress(1)
        if r.error or r.content_hash is None:
            report.problems.append(f"{r.path}: {r.error}; skipped")
            continue
        if r.content_hash in seen:
            report.warnings.append(f"{r.path}: same text as {seen[r.content_hash]}; extracted once")
            continue
        seen[r.content_hash] = r.file_name
        docs.write(r.trig, r.quads)
        store.load(input=r.work, format=ox.RdfFormat.N_QUADS)
        observations += r.observations
        if not r.cached:
            cachemod.write_entry(cache, r.content_hash, r.nquads, {"areas": r.areas, "warnings": r.warnings})
        areas.update(r.areas)
        report.warnings.extend(r.warnings)
        report.reused += r.cached
    report.documents = len(seen)
    report.extracted = report.documents - report.reused
    t = report.step("extract", t0)
    if not seen:
        return t
    cachemod.write_index(cache, fingerprint, seen)
    kb = _kb()
    for f in ontology_files():
        store.load(path=str(f), format=ox.RdfFormat.TURTLE, to_graph=N(GRAPH_ONTOLOGY))
    for f in sorted((ontology_dir() / "schemes").glob("*.ttl")):
        store.load(path=str(f), format=ox.RdfFormat.TURTLE, to_graph=N(GRAPH_SCHEMES))
    store.bulk_extend(division_quads(kb, areas))
    t = report.step("store", t)
    if analogues:
        spools.append(_analogues(store, out, report))
        t = report.step("analogues", t)
    report.trig = write_trig(store, out / TRIG_NAME, spools)
    t = report.step("write", t)
    report.stats = stats(store)
    report.stats["observations"] = observations
    working = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    report.stats["triples"] = len(store) - working + sum(s.quads for s in spools)
    return report.step("stats", t)


def _drop_copies(sources: list[Source], max_bytes: int, report: BuildReport) -> list[Source]:
    """Byte-identical files are extracted once (different bytes, same text: caught by content hash)."""
    first: dict[str, Path] = {}
    kept = []
    for s in sources:
        try:
            size = s.path.stat().st_size
            digest = hashlib.sha256(s.path.read_bytes()).hexdigest() if 0 < size <= max_bytes else None
        except OSError:
            digest = None
        if digest is not None and digest in first:
            report.warnings.append(f"{s.path}: same text as {first[digest].name}; extracted once")
            continue
        if digest is not None:
            first[digest] = s.path
        kept.append(s)
    return kept


def _analogues(store: ox.Store, out: Path, report: BuildReport) -> Spool:
    """The analogies graph, spooled as TriG blocks as the finder yields them (empty if the step fails)."""
    spool = Spool(out / TRIG_NAME, "analogies")
    try:
        from citykg.graph.analogues.finder import analogy_quads
    except ModuleNotFoundError as exc:
        if exc.name != "citykg.graph.analogues.finder":
            raise
        return spool
    g = N(GRAPH_ANALOGIES)
    try:
        quads = (ox.Quad(q.subject, q.predicate, q.object, g) for q in analogy_quads(store))
        spool.quads = write_blocks(quads, spool.fh)
    except Exception as exc:
        spool.fh.seek(0)
        spool.fh.truncate()  # never a half-written analogies graph
        spool.quads = 0
        report.problems.append(
            f"analogues step failed ({type(exc).__name__}: {exc}); built without analogues"
        )
    return spool


_STATS = """
PREFIX ck: <{ck}>
SELECT ?k (COUNT(DISTINCT ?x) AS ?n) WHERE {{
  {{ ?x a ck:SourceDocument BIND("documents" AS ?k) }}
  UNION {{ ?d a ck:SourceDocument ; ck:aboutCity ?x BIND("cities" AS ?k) }}
  UNION {{ ?x a ?c ; ck:evidence ?e . VALUES ?c {{ {classes} }} BIND(STRAFTER(STR(?c), "#") AS ?k) }}
  UNION {{ ?x a ck:Observation BIND("observations" AS ?k) }}
}} GROUP BY ?k
"""


def stats(store: ox.Store) -> dict[str, int]:
    """Counts for the summary table (documents, cities, initiatives by class, observations, triples)."""
    classes = " ".join(sorted(str(c) for c in INITIATIVE_CLASSES))  # the classes the working set keeps
    rows = store.query(_STATS.format(ck=PREFIXES["ck"], classes=classes), use_default_graph_as_union=True)
    out = {row["k"].value: int(row["n"].value) for row in rows}
    out["triples"] = len(store)
    return out


def _post_steps(out: Path, report: BuildReport) -> None:
    """Steps other packages own, run on the written TriG (each optional until it exists)."""
    steps = (("citykg.store.core", "refresh_store", "SPARQL store"), ("citykg.ontofiles", "write_docs", "ontology docs"),
             ("citykg.viz.site", "write_site", "HTML site"))  # fmt: skip
    import importlib

    for module, name, label in steps:
        try:
            fn = getattr(importlib.import_module(module), name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and module.startswith(exc.name):
                continue  # that package is not written yet
            raise
        except AttributeError:
            continue
        try:
            fn(out)
        except Exception as exc:
            report.warnings.append(f"{label} step failed ({type(exc).__name__}: {exc})")
