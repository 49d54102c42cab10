"""Load a big TriG / N-Quads file into a store in parts, so the bulk loader's memory stays bounded.

Oxigraph's bulk loader buffers what one call loads (its default target is about
2 GB per thread, and pyoxigraph does not expose the setting), so loading a
4M-quad build in one call needs 1.8 GB. Fed in parts of ``PART_BYTES`` it needs
a fraction of that. A part boundary must not cut a statement:

- N-Quads / N-Triples are one statement per line: any line boundary is one;
- TriG / Turtle: a line that starts a ``@prefix`` / ``PREFIX`` directive after a
  line that did not, i.e. the start of a block of directives. ``citykg build``
  writes every block with its prefixes (``graph/trig.py``), so its TriG splits
  into many parts; each part is given every prefix seen before it, so a file
  that declares its prefixes once and uses them later still parses.

A file where no boundary is found is loaded in one call, as before. A line
starting with ``@prefix`` inside a triple-quoted literal would be taken for a
boundary and make a part fail to parse: callers retry with one call on
``SyntaxError`` (``citykg.store.core.refresh_store``), so the worst case is the old
memory, never wrong data.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

PART_BYTES = 16 << 20  # 4.2M quads (230 MB TriG): 0.43 GB peak and ~1.15x the time of one call at 1.7 GB
_LINE_BASED = (ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES)
_DIRECTIVES = (b"@prefix", b"PREFIX", b"prefix", b"@base", b"BASE", b"base")


def parts(path: Path, fmt: ox.RdfFormat, part_bytes: int = PART_BYTES) -> Iterator[bytes]:
    """The file as self-contained parts of about ``part_bytes`` (one part if it cannot be split)."""
    line_based = fmt in _LINE_BASED
    in_effect: dict[bytes, bytes] = {}  # directive name (b"@prefix ck:", b"@base") -> its last line
    part: list[bytes] = []
    size = 0
    in_directives = is_directive = False
    with path.open("rb") as fh:
        for line in fh:
            starts_block = False
            if not line_based:
                is_directive = line.lstrip().startswith(_DIRECTIVES)
                starts_block = is_directive and not in_directives
                in_directives = is_directive
            if size >= part_bytes and (line_based or starts_block):
                yield b"".join(part)
                part, size = list(in_effect.values()), 0
            if is_directive:
                words = line.split()
                name = b" ".join(words[:2]) if words[0].lower().lstrip(b"@") == b"prefix" else words[0]
                in_effect[name] = line if line.endswith(b"\n") else line + b"\n"
            part.append(line)
            size += len(line)
    if part:
        yield b"".join(part)


def bulk_load_parts(store: ox.Store, path: Path, fmt: ox.RdfFormat, part_bytes: int | None = None) -> int:
    """``store.bulk_load`` the file part by part; returns the number of parts. Raises SyntaxError."""
    n = 0
    for data in parts(path, fmt, PART_BYTES if part_bytes is None else part_bytes):
        store.bulk_load(input=data, format=fmt)
        n += 1
    return n
