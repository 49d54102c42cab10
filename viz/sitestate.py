"""What one site step keeps for the next (OUT/views/.site-state): its model and page bookkeeping.

The incremental site step (``viz.incsite``) starts from the previous step's model
instead of reading the whole build again. The state is written with ``marshal`` as
plain lists, dicts and strings (not pickled objects): at 2,000 articles (180,000
records, 330,000 pieces of evidence sharing 20,000 sentences) that is about 1 s each
way instead of 9 s to pickle the records, and loading it runs no code from the file.
Any file that is not a state of this code and these arguments is ignored: the step
is then a full one.
"""

from __future__ import annotations

import marshal
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from citykg.gcpause import no_cyclic_gc
from citykg.viz.data import Analogy, Area, Concept, Doc, Evidence, Initiative, Model, Observation
from citykg.viz.pagecache import code_digest

STATE = ".site-state"  # under OUT/views/
#: bump when the state's layout changes: an older state is ignored (a full step)
STATE_VERSION = 5
_RECORDS = {"areas": Area, "concepts": Concept, "initiatives": Initiative, "observations": Observation,
            "docs": Doc}  # fmt: skip
#: id(record) -> (the record, its row) of the records the last ``load_state`` made: an incremental
#: step keeps almost all of them, and ``model_data`` writes their rows as read instead of
#: converting 180,000 records again (the record itself is kept to check identity: ids are reused)
_LOADED: dict[int, tuple[object, list]] = {}


@dataclass
class SiteState:
    """What one site step leaves for the next."""

    params: tuple
    graphs: dict[str, str]  # graph IRI -> digest of its blocks in the TriG read
    model: Model
    quotes: dict[str, list[str]]  # article IRI -> its quotes in text-script order
    notes: dict[str, str] = field(default_factory=dict)  # page name -> its note on the index
    chars: dict[str, str] = field(default_factory=dict)  # graph page name -> its names' Han characters
    pages: set[str] = field(default_factory=set)  # the pages the site's links may point to
    #: page name -> the page names it asked the linker about (it links them, or would if they existed)
    asks: dict[str, list[str]] = field(default_factory=dict)
    #: graph page name -> [its layout inputs' digest, its nodes' positions] (``render.layout_key``)
    layouts: dict[str, list] = field(default_factory=dict)
    #: an index row's names ("\0"-joined) -> its search key (``search.KeyCache``)
    keys: dict[str, str] = field(default_factory=dict)
    #: a graph page's name (a node label or other name) -> its pinyin override (``search.OverrideCache``)
    pinyin: dict[str, str] = field(default_factory=dict)


def _names(cls: type) -> list[str]:
    return [f.name for f in fields(cls)]


def _dump_records(records: dict[str, Any], cls: type) -> list:
    names = _names(cls)
    ev = names.index("evidence") if "evidence" in names else -1
    rows = []
    loaded = _LOADED.get
    for r in records.values():
        kept = loaded(id(r))
        if kept is not None and kept[0] is r:
            rows.append(kept[1])
            continue
        row = [getattr(r, n) for n in names]
        if ev >= 0:
            row[ev] = [(e.quote, e.doc, e.start) for e in row[ev]]
        rows.append(row)
    return rows


def _load_records(rows: list, cls: type) -> dict[str, Any]:
    names = _names(cls)
    ev = names.index("evidence") if "evidence" in names else -1
    out: dict[str, Any] = {}
    for row in rows:
        values = row
        if ev >= 0:
            values = list(row)
            values[ev] = [Evidence(*e) for e in row[ev]]
        r = out[row[0]] = cls(*values)
        _LOADED[id(r)] = (r, row)
    return out


def model_data(model: Model) -> dict:
    """The model as marshal-able lists (records in their order)."""
    data = {name: _dump_records(getattr(model, name), cls) for name, cls in _RECORDS.items()}
    loaded = _LOADED.get
    data["analogies"] = [
        kept[1] if (kept := loaded(id(a))) is not None and kept[0] is a else [a.iri, a.source, a.target, a.score, a.basis]
        for a in model.analogies
    ]
    return data


def model_from(data: dict) -> Model:
    """The model ``model_data`` wrote."""
    tables = {name: _load_records(data[name], cls) for name, cls in _RECORDS.items()}
    analogies = [Analogy(*row) for row in data["analogies"]]
    _LOADED.update((id(a), (a, row)) for a, row in zip(analogies, data["analogies"], strict=True))
    return Model(**tables, analogies=analogies)


def save_state(views: Path, state: SiteState) -> None:
    """Write the state atomically (a killed build leaves the previous one or none)."""
    data = {"version": STATE_VERSION, "code": code_digest(), "params": list(state.params), "graphs": state.graphs,
            "model": model_data(state.model), "quotes": state.quotes, "notes": state.notes, "chars": state.chars,
            "pages": sorted(state.pages), "asks": state.asks, "layouts": state.layouts,
            "keys": state.keys, "pinyin": state.pinyin}  # fmt: skip
    _LOADED.clear()  # written: the rows of the loaded records are not needed any more
    tmp = views / f".{STATE}.{os.getpid()}.tmp"
    tmp.write_bytes(marshal.dumps(data))
    os.replace(tmp, views / STATE)


def load_state(views: Path, params: tuple) -> SiteState | None:
    """The previous step's state when this code wrote it with these arguments, else None."""
    _LOADED.clear()
    # hundreds of thousands of records: the collector would walk them while they are made
    with no_cyclic_gc():
        try:
            data = marshal.loads((views / STATE).read_bytes())
            if not isinstance(data, dict) or data.get("version") != STATE_VERSION or data.get("code") != code_digest():
                return None
            if data.get("params") != list(params):
                return None
            return SiteState(tuple(params), data["graphs"], model_from(data["model"]), data["quotes"], data["notes"],
                             data["chars"], set(data["pages"]), data["asks"], data["layouts"], data["keys"],
                             data["pinyin"])  # fmt: skip
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            return None
