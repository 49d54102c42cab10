"""What one site step keeps for the next (OUT/views/.site-state): its model and page bookkeeping.

The incremental site step (``viz.incsite``) starts from the previous step's model
instead of reading the whole build again. The state is written with ``marshal`` as
plain lists, dicts and strings (not pickled objects): at 2,000 articles (180,000
records, 330,000 pieces of evidence sharing 20,000 sentences) that is about 1 s each
way instead of 9 s to pickle the records, and loading it runs no code from the file.
Any file that is not a state of this code and these arguments is ignored: the step
is then a full one.

The state is two files, so that a step which changed a few records does not write the
whole model again (85 MB at 2,000 articles):

- a *base*, ``.site-state.<digest>``: every record of the model of some earlier step,
  named by the digest of its bytes (so a name always means the same content);
- the *head*, ``.site-state``: the page bookkeeping, the name of its base, and the
  *delta*: the records that differ from the base's (added or changed) and the IRIs of
  those gone.

A step whose records differ from its base's in at most ``DELTA_MAX_FRACTION`` of them
writes a new head only, and keeps the base (a hard link from the previous build's
folder); otherwise it writes a new base and an empty delta. Which records changed is
known without comparing them: the records ``load_state`` made are remembered, and a
record of the saved model that is one of them (the same object) is unchanged. Each file
is written to a temp file and renamed, the base before the head, so an interrupted step
leaves the previous state or the new one (a head whose base is missing is no state).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
from dataclasses import dataclass, field, fields
from itertools import pairwise
from pathlib import Path
from typing import Any

from citykg.gcpause import no_cyclic_gc
from citykg.viz.data import Analogy, Area, Concept, Doc, Evidence, Initiative, Model, Observation
from citykg.viz.pagecache import code_digest, link_file

STATE = ".site-state"  # the head, under OUT/views/; its base is STATE + "." + digest
#: bump when the state's layout changes: an older state is ignored (a full step)
STATE_VERSION = 6
#: records that may differ from the base (added, changed or gone) per record of the base before
#: a step writes a new base: a one-article edit changes a few hundred of 350,000 records, and
#: the head that lists them is read and written by every later step until the next base
DELTA_MAX_FRACTION = 0.02
DIGEST_CHARS = 16  # hex digits of the base's digest in its file name
_BASE_NAME = re.compile(re.escape(STATE) + r"\.[0-9a-f]+")
_RECORDS = {"areas": Area, "concepts": Concept, "initiatives": Initiative, "observations": Observation,
            "docs": Doc, "analogies": Analogy}  # fmt: skip
#: the base the last ``load_state`` read: "path"; per table, "keys" (its IRIs in order) and
#: "loaded" (its records and their rows, as read); "ids": the ids of those records. An incremental
#: step keeps almost all of them: a record of the saved model that is one of them (kept alive here,
#: so an id is not reused) is unchanged, and its row is written as read instead of converted again
_BASE: dict[str, Any] = {}


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


def _tables(model: Model) -> dict[str, list]:
    """The model's records per table (analogies are a list, the others dicts by IRI)."""
    return {name: list(model.analogies if name == "analogies" else getattr(model, name).values())
            for name in _RECORDS}  # fmt: skip


def _row(r: Any, names: list[str], evidence: bool) -> list:
    row = [getattr(r, n) for n in names]
    if evidence:  # the last field
        row[-1] = [(e.quote, e.doc, e.start) for e in row[-1]]
    return row


def _dump(records: list, cls: type, only_new: bool = False) -> list:
    """The rows of ``records`` (``only_new``: of those not read from the base)."""
    names = _names(cls)
    evidence = names[-1] == "evidence"
    if only_new:
        ids = _BASE["ids"]
        return [_row(r, names, evidence) for r in records if id(r) not in ids]
    rows = _BASE.get("rows")
    if rows is None and _BASE:
        pairs = (zip(recs, rws, strict=True) for recs, rws in _BASE["loaded"].values())
        rows = _BASE["rows"] = {id(r): row for pair in pairs for r, row in pair}
    return [got if rows and (got := rows.get(id(r))) is not None else _row(r, names, evidence) for r in records]


def _load(rows: list, cls: type) -> list:
    if _names(cls)[-1] != "evidence":
        return [cls(*row) for row in rows]
    ev = Evidence
    return [cls(*row[:-1], [ev(*e) for e in row[-1]]) for row in rows]


def model_data(model: Model) -> dict:
    """The model as marshal-able lists (records in their order)."""
    return {name: _dump(records, _RECORDS[name]) for name, records in _tables(model).items()}


def _delta(model: Model) -> tuple[dict, dict, dict] | None:
    """(changed rows, gone IRIs, order) per table against the loaded base, or None: write a new base.

    ``order``: "sort" (IRI order) or the IRIs in order, for a table whose order is not the base's."""
    if not _BASE:
        return None
    changed: dict[str, list] = {}
    gone: dict[str, list] = {}
    order: dict[str, Any] = {}
    for name, records in _tables(model).items():
        keys = [r.iri for r in records]
        changed[name] = _dump(records, _RECORDS[name], only_new=True)
        gone[name] = sorted(_BASE["keys"][name].keys() - set(keys))
        if changed[name] or gone[name] or keys != list(_BASE["keys"][name]):
            order[name] = "sort" if all(a < b for a, b in pairwise(keys)) else keys
    size = sum(len(v) for v in changed.values()) + sum(len(v) for v in gone.values())
    return (changed, gone, order) if size <= DELTA_MAX_FRACTION * _BASE["size"] else None


def save_state(views: Path, state: SiteState) -> None:
    """Write the state: a new head, and a new base unless the delta from the loaded one is small."""
    delta = _delta(state.model)
    if delta is not None and _BASE["path"].is_file():
        base = _BASE["path"].name
        if _BASE["path"] != views / base:
            link_file(_BASE["path"], views / base)
        changed, gone, order = delta
    else:
        data = marshal.dumps({"version": STATE_VERSION, "model": model_data(state.model)})
        base = f"{STATE}.{hashlib.sha256(data).hexdigest()[:DIGEST_CHARS]}"
        _write(views / base, data)
        changed, gone, order = {}, {}, {}
    head = {"version": STATE_VERSION, "code": code_digest(), "params": list(state.params), "graphs": state.graphs,
            "base": base, "changed": changed, "gone": gone, "order": order, "quotes": state.quotes, "notes": state.notes,
            "chars": state.chars, "pages": sorted(state.pages), "asks": state.asks, "layouts": state.layouts,
            "keys": state.keys, "pinyin": state.pinyin}  # fmt: skip
    _BASE.clear()  # written: the rows of the loaded records are not needed any more
    _write(views / STATE, marshal.dumps(head))
    for old in views.glob(STATE + ".*"):  # earlier bases (a step run on OUT itself)
        if old.name != base and _BASE_NAME.fullmatch(old.name):
            old.unlink(missing_ok=True)


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def load_state(views: Path, params: tuple) -> SiteState | None:
    """The previous step's state when this code wrote it with these arguments, else None."""
    _BASE.clear()
    # hundreds of thousands of records: the collector would walk them while they are made
    with no_cyclic_gc():
        try:
            head = marshal.loads((views / STATE).read_bytes())
            if not isinstance(head, dict) or head.get("version") != STATE_VERSION or head.get("code") != code_digest():
                return None
            if head.get("params") != list(params):
                return None
            model = _model(views / head["base"], head["changed"], head["gone"], head["order"])
            if model is None:
                return None
            return SiteState(tuple(params), head["graphs"], model, head["quotes"], head["notes"], head["chars"],
                             set(head["pages"]), head["asks"], head["layouts"], head["keys"],
                             head["pinyin"])  # fmt: skip
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            _BASE.clear()
            return None


def _model(path: Path, changed: dict, gone: dict, order: dict) -> Model | None:
    """The base's records with the head's delta applied, in the order the head gives."""
    data = marshal.loads(path.read_bytes())
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        return None
    tables: dict[str, Any] = {}
    keys: dict[str, dict[str, None]] = {}
    loaded: dict[str, tuple[list, list]] = {}
    for name, cls in _RECORDS.items():
        rows = data["model"][name]
        records = _load(rows, cls)
        loaded[name] = (records, rows)
        keys[name] = dict.fromkeys(r.iri for r in records)  # the base's IRIs, in its order
        if name in order:
            by_iri = {r.iri: r for r in records}
            for iri in gone.get(name, ()):
                del by_iri[iri]
            by_iri.update((r.iri, r) for r in _load(changed.get(name, []), cls))
            kept = order[name]
            records = [by_iri[k] for k in (sorted(by_iri) if kept == "sort" else kept)]
        tables[name] = records if name == "analogies" else {r.iri: r for r in records}
    ids = {id(r) for recs, _ in loaded.values() for r in recs}
    _BASE.update(path=path, keys=keys, size=sum(map(len, keys.values())), loaded=loaded, ids=ids)
    return Model(**tables)
