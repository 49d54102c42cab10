"""The per-document cache of a build (``OUT/cache``): what ``--incremental`` reuses.

``OUT/cache/<content-hash>.trig`` holds one document's graph as the sorted TriG
block the build writes (reused as bytes: no parsing, no re-serialising), and
``<hash>.meta`` the rest of what it contributed (``marshal``ed plain values: ``worker.cache_meta``):
the concepts it minted (N-Quads), the areas it used, its warnings, its analogue record
(``analogues.index.DocRecord``), its summary part, its quad count, the block's digest and the
metadata's CRC (a damaged entry is a miss); and ``index.json`` maps each hash to the file name it was built from,
under a fingerprint of everything extraction depends on (code and curated data):
when either changes, nothing is reused.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import shutil
import zlib
from pathlib import Path
from typing import Any

from citykg import __version__, namespaces
from citykg.paths import ontology_dir

CACHE_DIR = "cache"
CACHE_INDEX = "index.json"
#: suffix of an entry's metadata: ``marshal`` (reading 2,000 entries: 0.8 instead of 1.7 CPU s of JSON
#: and IRI unpacking, issue 15); only plain values, written and read by this module
META_SUFFIX = ".meta"
#: hex digits of a fingerprint or key kept (64 bits: no collision among a folder's builds)
KEY_CHARS = 16
#: bytes read at a time when a big cached file is digested
READ_CHUNK = 1 << 20
#: prefix of temp files (then the writer's pid and the target's name)
TEMP_PREFIX = ".citykg-tmp."
#: the packages whose code shapes one document's quads (changing them invalidates the cache)
_PER_DOCUMENT = ("ingest", "extract", "rdf", "adoption", "lang")


def fingerprint() -> str:
    """Identity of the extractor: citykg's version, the selected backend's name and version,
    the data files it reads (word lists, schemes, units, divisions) and the code of the
    per-document packages. Each file is hashed with its path, so moving one changes it too."""
    from citykg.graph import lang
    from citykg.graph.registry import selected_extractor

    backend = selected_extractor()
    h = hashlib.sha256(f"{__version__}\0{backend.name}\0{backend.version}\0{marshal.version}".encode())
    root = ontology_dir()
    data = [*sorted((root / "schemes").rglob("*.ttl")), *(root / n for n in _DATA_FILES)]
    graph = Path(__file__).parent
    code = [graph / n for n in _CODE_FILES]
    code += sorted(f for pkg in _PER_DOCUMENT for f in (graph / pkg).rglob("*.py"))
    for f in [*data, *lang.data_files(), *code, Path(namespaces.__file__)]:
        if f.exists():
            h.update(f"{_relative(f)}\0{len(f.read_bytes())}\0".encode() + f.read_bytes())
    return h.hexdigest()[:KEY_CHARS]


#: ontology files besides the schemes that extraction reads
_DATA_FILES = ("units.ttl", "divisions.ttl", "abbreviations.ttl")
#: modules of graph/ that shape one document's quads or its cached record
_CODE_FILES = ("pipeline.py", "kb.py", "records.py", "registry.py", "worker.py", "cache.py", "analogues/index.py")


def _relative(path: Path) -> str:
    """A file's path below the repository/package root (stable across checkouts)."""
    for root in (Path(__file__).parent.parent, ontology_dir().parent):
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            continue
    return path.name


def read_index(cache: Path, expected: str) -> dict[str, str]:
    """{content hash: file name} of a cache built with the same fingerprint, else {}."""
    return _index_part(cache, expected, "documents")


def read_sources(cache: Path, expected: str) -> dict[str, str]:
    """{``source_key`` of a file: content hash of its text} of a cache built with the same
    fingerprint, else {}: an incremental build knows an unchanged file's entry without
    ingesting it (``build``)."""
    return _index_part(cache, expected, "sources")


def source_key(raw_digest: str, file_name: str) -> str:
    """What a file's content hash is a function of, besides the ingest code (in the fingerprint):
    its bytes and its name (the suffix says how it is read; the cache is reused by name).

    >>> source_key("ab12", "a.txt")
    'ab12 a.txt'
    """
    return f"{raw_digest} {file_name}"


def _index_part(cache: Path, expected: str, part: str) -> dict[str, str]:
    try:
        raw = json.loads((cache / CACHE_INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict) or raw.get("fingerprint") != expected:
        return {}
    docs = raw.get(part, {})
    return (
        {k: v for k, v in docs.items() if isinstance(k, str) and isinstance(v, str)}
        if isinstance(docs, dict)
        else {}
    )


def load_entry(cache: Path, content_hash: str) -> tuple[bytes, tuple[Any, ...]] | None:
    """The cached TriG block and metadata of one document, or None when missing, unreadable
    or damaged (the block's digest differs from the one written with it, or the metadata's CRC)."""
    try:
        block = (cache / f"{content_hash}.trig").read_bytes()
        kept, crc, meta = marshal.loads((cache / f"{content_hash}{META_SUFFIX}").read_bytes())
        if kept != digest(block) or crc != zlib.crc32(meta):
            return None
        data = marshal.loads(meta)
    except (OSError, ValueError, TypeError, EOFError):
        return None
    return (block, data) if isinstance(data, tuple) else None


def write_entry(cache: Path, content_hash: str, block: bytes, meta: tuple[Any, ...]) -> None:
    """Cache one document: its TriG ``block`` and ``meta`` (plain values: str, int, bytes, lists,
    dicts, tuples), with the block's digest and the metadata's CRC (damage is a miss, not a crash)."""
    cache.mkdir(parents=True, exist_ok=True)
    atomic_write(cache / f"{content_hash}.trig", block)
    data = marshal.dumps(shared(meta, {}))
    atomic_write(cache / f"{content_hash}{META_SUFFIX}", marshal.dumps((digest(block), zlib.crc32(data), data)))


def shared(value: Any, seen: dict[str, str]) -> Any:
    """``value`` (plain values) with equal strings made one object, so ``marshal`` writes each once
    and a reader makes it once: a document's IRIs, file name and city repeat throughout its record
    and summary part (2,000 entries: 197 -> 126 MB, read in 0.41 instead of 0.65 CPU s).

    >>> a, b = shared(["x" * 3, "".join(["x"] * 3)], {})
    >>> a is b
    True
    """
    kind = type(value)
    if kind is str:
        return seen.setdefault(value, value)
    if kind is list:
        return [shared(v, seen) for v in value]
    if kind is dict:
        return {shared(k, seen): shared(v, seen) for k, v in value.items()}
    if kind is tuple:
        return tuple(shared(v, seen) for v in value)
    return value


def digest(data: bytes) -> str:
    """The digest that tells a cached block from a damaged one.

    >>> digest(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()


def write_index(cache: Path, fp: str, documents: dict[str, str], sources: dict[str, str] | None = None) -> None:
    """The cache's index: {content hash: file name} and {``source_key``: content hash}."""
    cache.mkdir(parents=True, exist_ok=True)
    data = {"fingerprint": fp, "documents": dict(sorted(documents.items())),
            "sources": dict(sorted((sources or {}).items()))}  # fmt: skip
    atomic_write(cache / CACHE_INDEX, json.dumps(data, ensure_ascii=False, indent=1).encode())


#: the analogies graph of the last build, reused by an incremental build whose analogue input
#: and analogue code are unchanged (``analogies_key``): OUT/cache/analogies.trig and .json
ANALOGIES = "analogies"


def analogies_key(fp: str, input_digest: str) -> str:
    """What the analogies graph is a function of: the finder's input (``analogues.index.input_digest``),
    the code of graph/analogues and of the IRIs it mints, the extraction fingerprint ``fp`` (data
    files, RDF code) and pyoxigraph's version (it writes the TriG)."""
    import pyoxigraph

    graph = Path(__file__).parent
    h = hashlib.sha256(f"{fp}\0{input_digest}\0{pyoxigraph.__version__}".encode())
    for f in [*sorted((graph / "analogues").glob("*.py")), Path(namespaces.__file__).with_name("iris.py")]:
        if f.exists():
            h.update(f"{_relative(f)}\0".encode() + f.read_bytes())
    return h.hexdigest()[:KEY_CHARS]


def documents_digest(documents: dict[str, str], files: list[Path]) -> str:
    """What the analogue finder's input is a function of under one fingerprint: the documents
    built (content hash -> file name; their records are cached by content hash) and the
    ontology ``files`` the build loads besides the schemes (their bytes).

    >>> documents_digest({"a": "x.txt"}, []) == documents_digest({"a": "x.txt"}, [])
    True
    >>> documents_digest({"a": "x.txt"}, []) == documents_digest({"a": "y.txt"}, [])
    False
    """
    h = hashlib.sha256(json.dumps(sorted(documents.items()), ensure_ascii=False).encode())
    for f in files:
        h.update(f"\0{_relative(f)}\0".encode() + f.read_bytes())
    return h.hexdigest()


def load_analogies(cache: Path, key: str) -> tuple[Path, int] | None:
    """The cached analogies TriG and its quad count when it was written under ``key`` and is intact."""
    path = cache / f"{ANALOGIES}.trig"
    try:
        meta = json.loads((cache / f"{ANALOGIES}.json").read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or meta.get("key") != key or meta.get("digest") != file_digest(path):
            return None
        return path, int(meta["quads"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_analogies(cache: Path, key: str, trig: Path, quads: int) -> None:
    """Keep the finished analogies TriG ``trig`` under ``key`` (a hard link when possible: no copy)."""
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / f"{ANALOGIES}.trig"
    tmp = target.with_name(f"{TEMP_PREFIX}{os.getpid()}.{target.name}")
    try:
        try:
            os.link(trig, tmp)
        except OSError:
            shutil.copyfile(trig, tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    meta = {"key": key, "quads": quads, "digest": file_digest(target)}
    atomic_write(cache / f"{ANALOGIES}.json", json.dumps(meta).encode())


def file_digest(path: Path) -> str:
    """``digest`` of a file's bytes, read in chunks (the analogies of a big build are 100s of MB)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(READ_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temp file in the same folder and rename, so readers never see half a file.

    The temp name carries a recognisable prefix and the writer's pid, so a build
    can remove those a killed build left behind (``citykg.graph.outdir.remove_stale``).
    """
    tmp = path.with_name(f"{TEMP_PREFIX}{os.getpid()}.{path.name}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
