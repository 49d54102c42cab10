"""Registries: entity proposers by name and priority, extractor backends by name and version.

Modelled on spaCy's ``Language.factory`` and rdflib's ``plugin.register``: a proposer is a
function that proposes candidate spans in one sentence; it registers itself with a name, a
priority (lower wins when two spans overlap) and a rank (lower names the entity when several
mentions of one entity come from different proposers). An extractor backend turns one
document into an ``Extraction``; ``citykg build --extractor NAME`` selects it, and the build
cache keys on its name and version.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class RegistryError(ValueError):
    """An unknown or duplicate name; the message lists the valid names."""


@dataclass(frozen=True)
class Proposer:
    name: str
    priority: int  # span selection: the lower priority keeps an overlapping span
    rank: int  # naming: the mention of the lowest rank gives an entity its label and class
    func: Callable[..., list[Any]]
    doc: str = ""


@dataclass(frozen=True)
class Extractor:
    name: str
    version: str  # bump when the backend's output changes for the same input and data
    func: Callable[..., Any]  # (Document, KnowledgeBase, trace=None) -> Extraction
    description: str = ""


_PROPOSERS: dict[str, Proposer] = {}
_EXTRACTORS: dict[str, Extractor] = {}
DEFAULT_EXTRACTOR = "rules"
#: environment variable that carries the selected backend into worker processes
EXTRACTOR_ENV = "CITYKG_EXTRACTOR"


def proposer(name: str, priority: int, rank: int | None = None) -> Callable[[Callable], Callable]:
    """Decorator: register an entity proposer under ``name`` (re-registering replaces it)."""

    def wrap(func: Callable) -> Callable:
        doc = (func.__doc__ or "").strip().splitlines()
        _PROPOSERS[name] = Proposer(name, priority, priority if rank is None else rank, func, doc[0] if doc else "")
        return func

    return wrap


def proposers() -> list[Proposer]:
    """The registered proposers in registration order (the order they run in)."""
    return list(_PROPOSERS.values())


def get_proposer(name: str) -> Proposer:
    """The proposer registered as ``name``; an unknown name lists the valid ones.

    >>> try:
    ...     get_proposer("no-such-proposer")
    ... except RegistryError as err:
    ...     print(str(err).split(" (")[0])
    unknown proposer 'no-such-proposer'
    """
    try:
        return _PROPOSERS[name]
    except KeyError:
        raise RegistryError(f"unknown proposer {name!r} (valid: {_names(_PROPOSERS)})") from None


def extractor(name: str, version: str, description: str = "") -> Callable[[Callable], Callable]:
    """Decorator: register an extractor backend under ``name`` with its ``version``."""

    def wrap(func: Callable) -> Callable:
        _EXTRACTORS[name] = Extractor(name, version, func, description)
        return func

    return wrap


def get_extractor(name: str = DEFAULT_EXTRACTOR) -> Extractor:
    """The extractor backend registered as ``name``; an unknown name lists the valid ones."""
    _load_builtin()
    try:
        return _EXTRACTORS[name]
    except KeyError:
        raise RegistryError(f"unknown extractor {name!r} (valid: {_names(_EXTRACTORS)})") from None


def selected_extractor() -> Extractor:
    """The backend this process (and the workers it starts) extracts with: the one chosen by
    ``select_extractor`` (``citykg build --extractor``), else ``rules``."""
    return get_extractor(os.environ.get(EXTRACTOR_ENV) or DEFAULT_EXTRACTOR)


def select_extractor(name: str) -> Extractor:
    """Choose the backend for this process and its workers; an unknown name raises first."""
    found = get_extractor(name)
    os.environ[EXTRACTOR_ENV] = found.name
    return found


def extractor_names() -> list[str]:
    _load_builtin()
    return sorted(_EXTRACTORS)


def _names(reg: dict[str, Any]) -> str:
    return ", ".join(sorted(reg)) or "none registered"


def _load_builtin() -> None:
    """Import the modules that register the built-in backends (the rules pipeline)."""
    import citykg.graph.pipeline  # noqa: F401  (registers "rules")
