"""The one error hierarchy of citykg: library code raises these, the edges translate them.

Library modules (``graph/``, ``citykg/store``, ``citykg/validate``, ``viz/``...)
never import click and never know about HTTP. They raise a :class:`CitykgError`
subclass whose message is one line that names the object (a file, a query, a
parameter, a city) and says what to do next. Two places translate:

* the CLI (``citykg/cli``) turns every ``CitykgError`` into a one-line
  ``Error: ...`` on stderr and exit status 1 (``citykg.cli.errors``), the way
  sqlite-utils converts at the command boundary;
* the HTTP server (``citykg/server``) maps the subclasses to status codes
  (input and query errors 400, :class:`NotFound` 404, store problems 503...).

    >>> err = NotFound("query", "citys", ["list-cities"])
    >>> str(err)
    'Query "citys" not found - did you mean list-cities?'
    >>> isinstance(err, InputError), err.suggestions
    (True, ['list-cities'])
    >>> str(InputError("a.txt: not UTF-8\\n(line 3)"))
    'a.txt: not UTF-8 (line 3)'
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

__all__ = [
    "BuildError",
    "CitykgError",
    "InputError",
    "NotFound",
    "QueryError",
    "StoreError",
    "ValidationError",
    "closest",
]

#: How alike a misspelt name must be to a known one to be suggested (difflib ratio, 0..1).
SUGGEST_CUTOFF = 0.6
#: Only names about as alike as the best one are suggested (difflib ratio below the best).
SUGGEST_SPREAD = 0.15
#: At most this many suggestions in a "did you mean" message.
SUGGEST_MAX = 3


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


class CitykgError(Exception):
    """A problem the user can fix; its message is one line naming the object and the next step."""

    #: Exit status of the ``citykg`` command when this error ends it.
    exit_code = 1

    def __init__(self, message: str) -> None:
        self.message = _one_line(message)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def format_message(self) -> str:
        """The one-line message (the name click's exceptions use, so callers need not care)."""
        return self.message


class InputError(CitykgError):
    """Bad input: a missing or unreadable file, an option or parameter value that makes no sense."""


class NotFound(InputError):
    """A named thing (saved query, city, concept, build...) does not exist; suggests the closest names."""

    def __init__(self, kind: str, name: str, suggestions: Sequence[str] = (), hint: str = "") -> None:
        self.kind, self.name, self.suggestions = kind, name, list(suggestions)
        message = f'{kind[:1].upper()}{kind[1:]} "{name}" not found'
        if self.suggestions:
            message += " - did you mean " + " or ".join(self.suggestions) + "?"
        elif hint:
            message += f" - {hint}"
        super().__init__(message)


class QueryError(InputError):
    """A SPARQL query or its parameters were rejected (syntax, updates, SERVICE, unbound parameter)."""


class StoreError(CitykgError):
    """A problem with a dataset, a store or a remote endpoint (missing build, unreachable server)."""


class BuildError(CitykgError):
    """A build step failed; the build output was left as it was before."""


class ValidationError(CitykgError):
    """A build is not valid (SHACL, OWL or quality-check violations)."""


def _stem(word: str) -> str:
    """A plural-insensitive form for comparing names ("cities", "citys" -> "city").

    >>> [_stem(w) for w in ("cities", "citys", "reforms", "class")]
    ['city', 'city', 'reform', 'class']
    """
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def closest(name: str, candidates: Iterable[str], n: int = SUGGEST_MAX) -> list[str]:
    """The known names most like ``name`` (case- and plural-insensitive), best first.

    Whole names are compared first; failing that, ``name`` against each word of a
    hyphenated name (shorter names first on a tie).

    >>> closest("list-citie", ["list-cities", "cities-running-reform", "compare-indicator"])
    ['list-cities']
    >>> closest("city-portfoli", ["city-portfolio", "city-timeline"])
    ['city-portfolio']
    >>> closest("citys", ["city-timeline", "list-cities", "projects-by-city"])
    ['list-cities', 'city-timeline', 'projects-by-city']
    >>> closest("zzz", ["list-cities"])
    []
    """
    pool = list(dict.fromkeys(candidates))
    lower = {c.lower(): c for c in pool}
    ratios = {k: difflib.SequenceMatcher(None, name.lower(), k).ratio() for k in lower}
    hits = sorted((k for k, r in ratios.items() if r >= SUGGEST_CUTOFF), key=lambda k: (-ratios[k], k))
    if hits:
        best = ratios[hits[0]]
        return [lower[h] for h in hits if ratios[h] >= best - SUGGEST_SPREAD][:n]
    key = _stem(name.lower())
    scored = []
    for low, original in lower.items():
        parts = [_stem(p) for p in low.replace("_", "-").replace(" ", "-").split("-") if p]
        best = max((difflib.SequenceMatcher(None, key, p).ratio() for p in parts), default=0.0)
        if best >= SUGGEST_CUTOFF:
            scored.append((-best, len(low), original))
    return [c for _, _, c in sorted(scored)[:n]]
