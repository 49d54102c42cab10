"""The build: source files -> ``OUT/citykg.trig`` and the post-build steps (store, docs, site).

Named steps, in order: take ``OUT``'s build lock and clear temp files of killed
builds (``outdir``) -> collect sources (files, folders, manifests) -> ingest and
extract each file in worker processes, each isolated (``worker``: a file that
fails in any stage or runs over its time budget is skipped in one line; its
quads and record are cached in ``OUT/cache``; the worker also writes its document
graph as a sorted TriG block and reads the document's small analogue record,
``analogues.index``) -> the main process spools each block to disk, merges the
records and keeps only the knowledge graphs (ontology, schemes with the concepts
documents minted, divisions) in a small pyoxigraph store -> analogues, read from
the merged records and spooled as they come -> ``citykg.trig`` assembled
(``trig``) -> the registered post-build steps (``steps``: persistent SPARQL
store, ontology docs, HTML site). Everything is written into a staging folder
inside ``OUT`` and renamed into place only when every step succeeded, so ``OUT``
always holds one consistent build. No document quad is held in memory: memory
grows with the records (initiatives, their sentences), not with the graph.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import RDF

from citykg.errors import BuildError
from citykg.graph import cache as cachemod
from citykg.graph import outdir
from citykg.graph import steps as stepsmod
from citykg.graph.analogues.index import AnalogueIndex
from citykg.graph.ingest.documents import DEFAULT_MAX_BYTES, SUFFIXES, IngestError, SourceMeta, load_manifest
from citykg.graph.kb import KnowledgeBase, load_kb
from citykg.graph.rdf.divisions import division_quads
from citykg.graph.rdf.emit import N
from citykg.graph.rdf.summaryparts import SummaryMerge, store_part
from citykg.graph.rdf.trig import Spool, write_trig
from citykg.graph.records import ENTITY_CLASSES
from citykg.graph.reuse import drop_copies, results
from citykg.graph.worker import DEFAULT_TIME_BUDGET, DocResult, Source, WorkOptions, cache_meta, one_line
from citykg.namespaces import (
    CK,
    GRAPH_DIVISIONS,
    GRAPH_ONTOLOGY,
    GRAPH_SCHEMES,
    PREFIXES,
    area_iri,
)
from citykg.paths import TRIG_NAME, corpus_dir, ontology_dir
from citykg.store import trigindex

__all__ = ["DEFAULT_TIME_BUDGET", "BuildReport", "DocResult", "Source", "build", "collect_sources", "stats"]

#: the TriG's block index (``citykg.store.trigindex``): published with the TriG, just before it
TRIG_INDEX = trigindex.index_path(Path(TRIG_NAME)).name
#: what a successful build renames from its staging folder into OUT (the TriG last)
PUBLISHED = ("store", "ontology", "assets", "views", "index.html", TRIG_INDEX, TRIG_NAME)  # assets: the site's vis-network
#: worker processes when the caller does not say (at most the machine's cores)
DEFAULT_JOBS = 2

#: decimals of the seconds kept per named step (milliseconds)
STEP_DECIMALS = 3
#: documents merged between two ``gc.freeze`` calls: the records merged so far live to the end of
#: the build, and each full collection would walk all of them again (~1.5 of 3 CPU s of reading
#: 2,000 cached records); frozen objects are still freed by reference counting
FREEZE_EVERY = 100


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
    analogy_blocks: tuple[int, int] = (0, 0)  # TriG blocks of the analogies graph: written, reused as bytes

    def step(self, name: str, since: float) -> float:
        """Record the seconds of step ``name`` (started at ``since``); returns now."""
        now = time.perf_counter()
        self.steps[name] = round(self.steps.get(name, 0.0) + now - since, STEP_DECIMALS)
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


# ---------------------------------------------------------------- the build


def ontology_files() -> list[Path]:
    try:
        from citykg.ontofiles import ontology_graph_files
    except ModuleNotFoundError:
        root = ontology_dir()
        return [f for f in (root / "citykg.ttl", root / "units.ttl") if f.exists()]
    return list(ontology_graph_files())


def build(paths: Iterable[Path] | None, out: Path, *, incremental: bool = False, max_bytes: int = DEFAULT_MAX_BYTES,
          jobs: int | None = None, post_steps: bool = True, analogues: bool = True,
          progress: Callable[[int], None] | None = None, sources: list[Source] | None = None,
          time_budget: float | None = DEFAULT_TIME_BUDGET) -> BuildReport:  # fmt: skip
    """Build ``out/citykg.trig`` (and, with ``post_steps``, the registered steps) from ``paths``.

    Raises ``BuildError`` when another build holds ``out`` or a post-build step
    fails; ``out`` is then left as it was. Skipped inputs are ``report.problems``.
    """
    t0 = time.perf_counter()
    report = BuildReport(out=out)
    if sources is None:
        sources, report.problems = collect_sources(list(paths) if paths else [corpus_dir()])
    with outdir.locked(out):
        outdir.remove_stale(out)
        stage = outdir.stage_dir(out)
        try:
            _build_staged(sources, out, stage, report, incremental=incremental, jobs=jobs or min(DEFAULT_JOBS, os.cpu_count() or 1),
                          opts=WorkOptions(max_bytes=max_bytes, time_budget=time_budget), post_steps=post_steps,
                          analogues=analogues, progress=progress, t0=t0)  # fmt: skip
        finally:
            gc.unfreeze()  # what the graph part froze (``FREEZE_EVERY``) is collectable again
            outdir.discard(stage)
    report.seconds = time.perf_counter() - t0
    return report


def _build_staged(sources: list[Source], out: Path, stage: Path, report: BuildReport, *, incremental: bool,
                  jobs: int, opts: WorkOptions, post_steps: bool, analogues: bool,
                  progress: Callable[[int], None] | None, t0: float) -> None:  # fmt: skip
    """Write the build into ``stage``, run the post-build steps there, then publish it into ``out``."""
    cache = out / cachemod.CACHE_DIR
    fp = cachemod.fingerprint()
    reuse = cachemod.read_index(cache, fp) if incremental else {}
    known = cachemod.read_sources(cache, fp) if incremental else {}
    opts = WorkOptions(max_bytes=opts.max_bytes, cache=cache, reuse=reuse, time_budget=opts.time_budget)
    spools: list[Spool] = []
    try:
        t = _build_graph(sources, stage, report, spools, jobs=jobs, opts=opts, fingerprint=fp, known=known,
                         analogues=analogues, progress=progress, t0=t0, incremental=incremental)  # fmt: skip
    finally:
        for spool in spools:
            spool.close()
    if report.trig is None:
        return
    trigindex.write(report.trig, previous=out / TRIG_NAME)  # blocks both TriGs share are not scanned again
    t = report.step("index", t)
    if post_steps:
        run_steps(stage, out)
        report.step("post", t)
    outdir.publish(stage, out, list(PUBLISHED) if post_steps else [TRIG_INDEX, TRIG_NAME])
    report.trig = out / TRIG_NAME
    if not post_steps and any((out / name).exists() for name in PUBLISHED[:-1]):
        report.warnings.append(f"{out}: --graph-only left the store, docs and site of the previous build; "
                               "the store is rebuilt at the next query, run a full build for the rest")  # fmt: skip


def run_steps(stage: Path, out: Path) -> None:
    """Run every registered post-build step on ``stage``; BuildError (one line) when one fails."""
    for step in stepsmod.steps():
        try:
            step.run(stage)
        except Exception as exc:
            raise BuildError(f"{step.label} step failed ({one_line(exc)}); {out} was left as it was") from exc


def _build_graph(sources: list[Source], out: Path, report: BuildReport, spools: list[Spool], *, jobs: int,
                 opts: WorkOptions, fingerprint: str, analogues: bool,
                 progress: Callable[[int], None] | None, t0: float, incremental: bool = False,
                 known: dict[str, str] | None = None) -> float:  # fmt: skip
    """Extract, spool, find analogues and write the TriG into ``out`` (``report.trig``).

    ``store`` holds the knowledge graphs only (what the TriG starts with); the
    documents contribute their TriG blocks (spooled), the concepts they minted and
    their records (``index``). ``known``: the previous build's ``cache.source_key`` ->
    content hash (an incremental build reads an unchanged file's entry without a worker)."""
    store = ox.Store()
    index = AnalogueIndex()
    merged = SummaryMerge()  # the summaries graph, written into the TriG (rdf.summaryparts)
    docs = Spool(out / TRIG_NAME, "documents")
    spools.append(docs)
    seen: dict[str, str] = {}
    areas: set[str] = set()
    cities: set[str] = set()  # adcodes of the articles' cities
    unique, raw = drop_copies(sources, opts.max_bytes, report)
    keys = {s.path: cachemod.source_key(raw[s.path], s.path.name) for s in unique if s.path in raw}
    hashes = {p: known[k] for p, k in keys.items() if known and k in known and opts.reuse.get(known[k]) == p.name}
    by_source: dict[str, str] = {}
    minted: set[bytes] = set()  # the minted concepts' N-Quads lines: ~22 KB a document, 1,330 distinct at 2,000
    if progress and len(unique) < len(sources):
        progress(len(sources) - len(unique))
    cache = opts.cache
    for n, r in enumerate(results(unique, jobs, opts, hashes)):
        if progress:
            progress(1)
        if n % FREEZE_EVERY == FREEZE_EVERY - 1:
            gc.freeze()
        if r.error or r.content_hash is None:
            report.problems.append(r.problem())
            continue
        if r.content_hash in seen:
            report.warnings.append(f"{r.path}: same text as {seen[r.content_hash]}; extracted once")
            continue
        seen[r.content_hash] = r.file_name
        if r.path in keys:
            by_source[keys[r.path]] = r.content_hash
        docs.write(r.trig, r.quads)
        merged.add(r.summary)
        minted.update(r.schemes.splitlines())  # N-Quads: one statement a line
        if r.record is not None:
            index.add(r.record)
        if not r.cached and cache is not None:
            cachemod.write_entry(cache, r.content_hash, r.trig, cache_meta(r))
        areas.update(r.areas)
        cities.add(r.city or "")
        report.warnings.extend(r.warnings)
        report.reused += r.cached
    report.documents = len(seen)
    report.extracted = report.documents - report.reused
    t = report.step("extract", t0)
    if not seen:
        return t
    if cache is not None:
        cachemod.write_index(cache, fingerprint, seen, by_source)
    _knowledge_graphs(store, minted, areas, cities)
    merged.add(store_part(store))
    summary = merged.quads()  # None: inexact, the store step queries them (rdf.summaryparts)
    del merged  # its maps (460,000 subjects at 2,000 articles) are done with
    counts, observations = index.stats(), index.observations
    t = report.step("store", t)
    if analogues:
        gc.freeze()  # the finder's items and scores are many small objects: collections skip the records
        spools.append(_analogues(store, index, out, report, cache, fingerprint, reuse=incremental, documents=seen))
        t = report.step("analogues", t)
    index.clear()
    if summary:  # after the analogue step, which reads ``store``: written with the knowledge graphs
        store.bulk_extend(summary)
    report.trig = write_trig(store, out / TRIG_NAME, spools)
    t = report.step("write", t)
    report.stats = counts
    report.stats["observations"] = observations
    report.stats["triples"] = len(store) + sum(s.quads for s in spools)
    return report.step("stats", t)


def _knowledge_graphs(store: ox.Store, minted: set[bytes], areas: set[str], cities: set[str]) -> None:
    """Load the knowledge graphs into ``store``: the minted concepts (N-Quads lines), the ontology,
    the concept schemes, and the divisions of ``areas`` and county-level ``cities``."""
    store.load(input=b"\n".join(sorted(minted)) + b"\n", format=ox.RdfFormat.N_QUADS)  # once, each line once
    for f in ontology_files():
        store.load(path=str(f), format=ox.RdfFormat.TURTLE, to_graph=N(GRAPH_ONTOLOGY))
    for f in sorted((ontology_dir() / "schemes").glob("*.ttl")):
        store.load(path=str(f), format=ox.RdfFormat.TURTLE, to_graph=N(GRAPH_SCHEMES))
    store.bulk_extend(division_quads(load_kb(), areas))
    store.bulk_extend(county_city_quads(load_kb(), cities))


def county_city_quads(kb: KnowledgeBase, cities: set[str]) -> list[ox.Quad]:
    """``ck:City`` types of the county-level cities (县级市, divisions typed ck:County) that are an
    article's city: ``ck:aboutCity`` points to a ck:City (the SHACL shape), and a 县级市 is one when an
    article is about it (as divisions.ttl already types the province-governed ones)."""
    g, city = N(GRAPH_DIVISIONS), N(CK.City)
    return [ox.Quad(N(area_iri(c)), N(RDF.type), city, g) for c in sorted(cities)
            if c in kb.areas and "City" not in (kb.areas[c].level, *kb.areas[c].levels)]  # fmt: skip


def _analogues(store: ox.Store, index: AnalogueIndex, out: Path, report: BuildReport, cache: Path | None,
               fingerprint: str, *, reuse: bool, documents: dict[str, str] | None = None) -> Spool:  # fmt: skip
    """The analogies graph, spooled as TriG blocks as the finder yields them (empty if the step fails).

    The finder reads the documents' merged records (``index``) and the concepts and
    places of the knowledge graphs in ``store``. The result is kept in ``cache``; with
    ``reuse`` (an incremental build) the kept one is taken when the finder's input and
    code are the same (``cache.analogies_key``): the finder is deterministic, so that is
    exactly what it would compute again. The input is a function of the documents built
    (``documents``: content hash -> file name, each record cached under the fingerprint) and
    the ontology files, so it is keyed by those (``cache.documents_digest``), not digested."""
    spool = Spool(out / TRIG_NAME, "analogies")
    try:
        from citykg.graph.analogues import blocks
        from citykg.graph.analogues.finder import input_analogies
        from citykg.graph.analogues.index import analogue_input
    except ModuleNotFoundError as exc:
        if exc.name != "citykg.graph.analogues.finder":
            raise
        return spool
    try:
        given = cachemod.documents_digest(documents or {}, ontology_files())
        key = cachemod.analogies_key(fingerprint, given) if cache is not None else ""
        kept = cachemod.load_analogies(cache, key) if cache is not None and reuse else None
        if kept is not None:
            spool.adopt(*kept)
            return spool
        data = analogue_input(index, store, take=True)
        index.clear()  # the finder's items took the merged records' sets: the index is done
        salt = cachemod.analogies_key(fingerprint, blocks.BLOCKS_DIR)  # code and versions shaping the bytes
        found = input_analogies(data, cache=cache, reuse=reuse)  # items' kept preparation: analogues.prepstore
        spool.quads, n, kept = blocks.write(found, spool.fh, cache, salt, reuse)
        spool.fh.flush()
        report.analogy_blocks = (n, kept)
    except Exception as exc:
        spool.reset()  # never a half-written analogies graph
        report.problems.append(
            f"analogues step failed ({type(exc).__name__}: {exc}); built without analogues"
        )
        return spool
    if cache is not None:
        try:
            cachemod.save_analogies(cache, key, spool.path, spool.quads)
        except OSError as exc:  # the build is fine; the next incremental one recomputes
            report.warnings.append(f"{cache}: analogies not cached ({one_line(exc)})")
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
    """The summary counts of a finished build loaded in ``store`` (documents, cities, entities by class,
    observations, triples); the build counts them from the records (``AnalogueIndex.stats``), and a
    test checks the two agree."""
    classes = " ".join(f"<{CK[c]}>" for c in sorted(ENTITY_CLASSES))
    rows = store.query(_STATS.format(ck=PREFIXES["ck"], classes=classes), use_default_graph_as_union=True)
    out = {row["k"].value: int(row["n"].value) for row in rows}
    out["triples"] = len(store)
    return out
