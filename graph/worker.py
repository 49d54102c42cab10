"""One document through the per-document stages, isolated: ingest -> extract -> RDF, in a worker.

``process`` never raises for a bad document: whatever goes wrong in a stage (an
``IngestError``, a crash of the extractor, a term the RDF emitter refuses, a
file over its time budget) comes back as ``DocResult.error`` naming the stage,
and the build reports the file in one line and goes on with the others.
``run`` drives a process pool and survives a worker that dies outright (a
segfault, the OOM killer): the pool is restarted and the file that killed it
is skipped.

The time budget is enforced inside the worker with ``SIGALRM``: the handler
raises ``OverBudget`` into the running Python code (the regex engine checks
for signals too), so no process has to be killed for a slow file.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from citykg.graph import cache as cachemod
from citykg.graph.analogues.index import DocRecord
from citykg.graph.ingest.documents import DEFAULT_MAX_BYTES, IngestError, SourceMeta, read_document
from citykg.graph.kb import KnowledgeBase, load_kb
from citykg.graph.pipeline import extract
from citykg.graph.rdf.docrecord import read_rows
from citykg.graph.rdf.emit import DocQuads, rdfize
from citykg.graph.rdf.nt import nquads
from citykg.graph.rdf.summaryparts import SummaryPart
from citykg.graph.rdf.textrig import trig_block
from citykg.namespaces import GRAPH_SCHEMES

#: the schemes graph the minted concepts go to (N-Quads)
SCHEMES_GRAPH = str(GRAPH_SCHEMES)
#: default seconds one file may spend in ingest + extract + RDF before it is skipped
DEFAULT_TIME_BUDGET = 120.0
#: longest error text kept in a one-line report (exception messages can quote whole inputs)
MAX_ERROR_CHARS = 200
#: fewer files than this are built in-process (a pool costs more than it saves)
MIN_FILES_FOR_POOL = 8
#: largest number of files a worker takes at once
MAX_CHUNK = 16
#: chunks per worker at least (small chunks keep both workers busy to the end)
CHUNKS_PER_WORKER = 8


class OverBudget(BaseException):
    """Raised by the SIGALRM handler into a document's stages; a BaseException so that no
    ``except Exception`` inside the extractor swallows it."""


@dataclass
class Source:
    path: Path
    meta: SourceMeta | None = None


@dataclass(frozen=True)
class WorkOptions:
    """What every worker needs besides the file: limits and the incremental cache."""

    max_bytes: int = DEFAULT_MAX_BYTES
    cache: Path | None = None
    reuse: dict[str, str] = field(default_factory=dict)  # content hash -> file name, reusable cache entries
    time_budget: float | None = DEFAULT_TIME_BUDGET


@dataclass
class DocResult:
    """What a worker returns for one file."""

    path: Path
    file_name: str
    content_hash: str | None = None
    trig: bytes = b""  # the document graph as one sorted TriG block
    schemes: bytes = b""  # N-Quads: the concepts it minted (schemes graph)
    record: DocRecord | None = None  # what the analogue finder and the summary counts read
    summary: SummaryPart | None = None  # what the store's summaries graph reads (rdf.summaryparts)
    quads: int = 0  # quads in the document graph
    observations: int = 0
    areas: list[str] = field(default_factory=list)
    city: str | None = None  # adcode of the article's city
    warnings: list[str] = field(default_factory=list)
    error: str | None = None  # why the file is skipped
    stage: str | None = None  # the stage that failed (None: an input problem IngestError described)
    cached: bool = False

    def problem(self) -> str:
        """The one-line report of a skipped file."""
        if self.stage is None:
            return f"{self.path}: {self.error}; skipped"
        return f"skipped {self.path}: {self.error}"


def one_line(exc: BaseException) -> str:
    """``Type: message`` on one line, cut to ``MAX_ERROR_CHARS``.

    >>> one_line(AttributeError("term 'Bare'\\n not in namespace"))
    "AttributeError: term 'Bare' not in namespace"
    """
    text = f"{type(exc).__name__}: {' '.join(str(exc).split())}".rstrip(": ")
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


_KB: KnowledgeBase | None = None


def _kb() -> KnowledgeBase:
    global _KB
    if _KB is None:
        _KB = load_kb()
    return _KB


_WARM = [False]


def warm() -> None:
    """Load the knowledge base, jieba and every lexicon once, in this process (again: a no-op)."""
    if _WARM[0]:
        return
    _WARM[0] = True
    import jieba

    from citykg.graph.extract.places import warm_up
    from citykg.graph.ingest.documents import document_from_text

    jieba.initialize()
    warm_up(_kb())
    extract(
        document_from_text("北京市推进“一网通办”改革,政务服务事项网上可办率达到98%。", "warm-up.txt"), _kb()
    )


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise ``OverBudget`` in this thread after ``seconds`` (a no-op off the main thread)."""
    usable = seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return
    armed = [True]

    def on_alarm(signum: int, frame: object) -> None:
        if armed[0]:
            raise OverBudget()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))  # type: ignore[arg-type]
    try:
        yield
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def process(source: Source, opts: WorkOptions, seen: set[str] | None = None) -> DocResult:
    """Ingest and extract one file (or reuse its cached quads); never raises for a bad file.

    ``seen``: content hashes already extracted in this process; a file with the
    same text is not extracted again (the build reports it as a duplicate).
    """
    result = DocResult(path=source.path, file_name=source.path.name)
    stage = ["ingest"]
    try:
        with time_budget(opts.time_budget):
            _stages(source, opts, seen, result, stage)
    except OverBudget:
        result.error = f"over the time budget ({opts.time_budget:g} s) in {stage[0]}; raise --time-budget to include it"
        result.stage = stage[0]
    except Exception as exc:  # isolation: one document never sinks the build
        result.error, result.stage = f"{stage[0]} failed: {one_line(exc)}", stage[0]
    if result.error:
        result.trig, result.schemes, result.quads, result.record = b"", b"", 0, None
        result.summary = None
    return result


def _stages(source: Source, opts: WorkOptions, seen: set[str] | None, result: DocResult, stage: list[str]) -> None:
    try:
        doc = read_document(source.path, source.meta, max_bytes=opts.max_bytes)
    except IngestError as exc:
        result.error = str(exc)
        return
    except OSError as exc:
        result.error = f"cannot read ({exc.strerror or exc})"
        return
    result.content_hash = doc.content_hash
    if seen is not None:
        if doc.content_hash in seen:
            return
        seen.add(doc.content_hash)
    if opts.cache is not None and opts.reuse.get(doc.content_hash) == doc.file_name and fill_from_cache(opts.cache, result):
        return
    kb = _kb()
    stage[0] = "extract"
    ex = extract(doc, kb)
    stage[0] = "rdf"
    dq = rdfize(ex, kb)
    result.areas, result.city = sorted(dq.areas), ex.city
    result.warnings = ex.warnings
    _split(result, dq)


def fill_from_cache(cache: Path, result: DocResult) -> bool:
    """Fill ``result`` from the cache entry of its text; False (a miss) when absent or corrupt.

    The entry is the document's TriG block as the build writes it and its metadata
    (``cache_meta``): nothing is parsed or serialised again."""
    assert result.content_hash is not None
    entry = cachemod.load_entry(cache, result.content_hash)
    if entry is None:
        return False
    trig, meta = entry
    try:
        areas, warnings, city, quads, schemes, record, summary = meta
        areas, warnings, quads, record = list(areas), list(warnings), int(quads), DocRecord.from_json(record)
        result.summary = SummaryPart.from_tuple(summary)
        if not isinstance(schemes, bytes) or not isinstance(city, str | None):
            raise TypeError("not a cache entry")
    except (ValueError, TypeError, AttributeError, KeyError):
        return False  # a corrupt entry: extract again (and the build rewrites it)
    result.areas, result.warnings, result.city, result.cached = areas, warnings, city, True
    result.trig, result.quads, result.record = trig, quads, record
    result.observations, result.schemes = record.observations, schemes
    return True


def _split(result: DocResult, dq: DocQuads) -> None:
    """The document graph as a TriG block, its record, its summary part and the minted concepts
    as N-Quads, all written and read from the emitter's rows (no pyoxigraph quad is made)."""
    result.trig, result.quads = trig_block(dq.graph_iri, dq.rows), len(dq.rows)
    result.record, result.summary = read_rows(dq.rows)
    result.observations = result.record.observations
    result.schemes = nquads(dq.scheme_rows, SCHEMES_GRAPH)


def cache_meta(result: DocResult) -> tuple[object, ...]:
    """What the cache keeps of a freshly extracted document besides its TriG block (``fill_from_cache``;
    plain values in a fixed order: ``cache.write_entry`` marshals them)."""
    assert result.record is not None
    summary = result.summary.to_tuple() if result.summary is not None else None
    return (result.areas, result.warnings, result.city, result.quads, result.schemes, result.record.to_json(), summary)


def run(sources: list[Source], jobs: int, opts: WorkOptions) -> Iterator[DocResult]:
    """Results in input order, one at a time (so their quads need not all be held at once)."""
    if jobs <= 1 or len(sources) < MIN_FILES_FOR_POOL:
        if opts.time_budget and sources:
            warm()  # one-time loading is no file's time
        seen: set[str] = set()
        for s in sources:
            yield process(s, opts, seen)
        return
    warm()  # lexicons and dictionaries loaded before forking, shared copy-on-write
    done = 0
    while done < len(sources):
        rest = sources[done:]
        chunk = max(1, min(MAX_CHUNK, len(rest) // (jobs * CHUNKS_PER_WORKER)))
        try:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                for r in pool.map(process, rest, [opts] * len(rest), chunksize=chunk):
                    done += 1
                    yield r
        except BrokenProcessPool:
            yield _alone(sources[done], opts)  # the first unfinished file may be the one that killed it
            done += 1


def _alone(source: Source, opts: WorkOptions) -> DocResult:
    """``source`` in a one-worker pool of its own: its result, or a skip if it kills the worker too."""
    try:
        with ProcessPoolExecutor(max_workers=1) as pool:
            return pool.submit(process, source, opts).result()
    except BrokenProcessPool:
        r = DocResult(path=source.path, file_name=source.path.name)
        r.error, r.stage = "worker crashed (the process died while extracting this file)", "extract"
        return r
