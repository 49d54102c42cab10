"""The shape of the tree (issue 11): small modules, short functions, named thresholds, enums.

Checked on the source with ``ast`` (nothing is imported or run):

1. Size. No module under graph/, citykg/, viz/ or bench/ is over ``MAX_MODULE_LINES`` lines, and
   no function or method there is over ``MAX_FUNCTION_LINES`` lines (``def`` line to last line).
2. Named thresholds, in graph/. Inside a function (its body and its parameter defaults) a
   number is 0, 1 or 2 (a minus sign allowed), or a plain subscript index (``parts[3]``).
   Any other number is a threshold, weight, window, limit or length and is written once, as a
   module-level constant whose comment says what it bounds and why that value. Module level
   (the constants themselves, tables) is not checked. citykg/ and viz/ are not held to this yet.
3. Enums. In graph/, citykg/ and viz/ no tuple, list or set literal spells out two or more
   entity classes, qualifiers or change roles as strings: they come from
   ``citykg.graph.records`` (``EntityClass``, ``Qualifier``, ``ChangeRole``, ``ENTITY_CLASSES``).
4. One ``fold``: a single function of that name normalises text (``ingest.text.fold``); other
   comparison keys have names that say what they are for.

``ALLOWED`` lists the justified exceptions, each with its reason; an entry that no longer
matches anything fails too, so the list cannot go stale.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from citykg.graph.records import CHANGE_ROLES, ENTITY_CLASSES, QUALIFIERS

ROOT = Path(__file__).resolve().parent.parent
SIZE_ROOTS = ("graph", "citykg", "viz", "bench")
NUMBER_ROOTS = ("graph",)
ENUM_ROOTS = ("graph", "citykg", "viz")
#: the limits of issue 11's "Done when"
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 400, 80
#: numbers that need no name: none, one, two (and their negatives)
PLAIN_NUMBERS = {0, 1, 2}
#: (rule, path, what) -> why it is allowed; ``what`` is a function name, a number or "module"
ALLOWED: dict[tuple[str, str, str], str] = {}
_SPELT = {"entity classes": set(ENTITY_CLASSES), "qualifiers": set(QUALIFIERS), "change roles": set(CHANGE_ROLES)}


@cache
def _parsed(root: str) -> tuple[tuple[str, ast.Module, int], ...]:
    """(path, syntax tree, line count) of every module under ``root`` (parsed once per session)."""
    out = []
    for path in sorted((ROOT / root).rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        out.append((path.relative_to(ROOT).as_posix(), ast.parse(source), source.count("\n")))
    return tuple(out)


def _modules(roots: tuple[str, ...]) -> Iterator[tuple[str, ast.Module, int]]:
    for root in roots:
        yield from _parsed(root)


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    return (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))


def size_findings() -> set[tuple[str, str, str]]:
    """(rule, path, what) of every module and function over the limits."""
    found = set()
    for rel, tree, lines in _modules(SIZE_ROOTS):
        if lines > MAX_MODULE_LINES:
            found.add(("module-lines", rel, "module"))
        for fn in _functions(tree):
            if (fn.end_lineno or fn.lineno) - fn.lineno + 1 > MAX_FUNCTION_LINES:
                found.add(("function-lines", rel, fn.name))
    return found


def bare_numbers(tree: ast.AST) -> Iterator[tuple[int, float]]:
    """(line, value) of the numbers of rule 2 in a module's functions.

    >>> list(bare_numbers(ast.parse("def f(s, n=3):\\n    return s[4] + s[-1:] + s[:-5] + [n > 0.5]")))
    [(1, 3), (2, -5), (2, 0.5)]
    """
    for fn in _functions(tree):
        parents: dict[ast.AST, ast.AST] = {}
        scope = [*fn.args.defaults, *(d for d in fn.args.kw_defaults if d is not None), *fn.body]
        for top in scope:
            for node in ast.walk(top):
                for child in ast.iter_child_nodes(node):
                    parents[child] = node
        for top in scope:
            for node in ast.walk(top):
                if not isinstance(node, ast.Constant) or isinstance(node.value, bool):
                    continue
                if not isinstance(node.value, (int, float)) or abs(node.value) in PLAIN_NUMBERS:
                    continue
                outer, value = node, node.value
                up = parents.get(node)
                if isinstance(up, ast.UnaryOp) and isinstance(up.op, ast.USub):
                    outer, value, up = up, -value, parents.get(up)
                if isinstance(up, ast.Subscript) and up.slice is outer:
                    continue  # a plain index: parts[3]
                yield node.lineno, value


def number_findings() -> dict[tuple[str, str, str], list[int]]:
    found: dict[tuple[str, str, str], list[int]] = {}
    for rel, tree, _ in _modules(NUMBER_ROOTS):
        for line, value in bare_numbers(tree):
            found.setdefault(("bare-number", rel, repr(value)), []).append(line)
    return found


def enum_findings() -> dict[tuple[str, str, str], list[int]]:
    found: dict[tuple[str, str, str], list[int]] = {}
    for rel, tree, _ in _modules(ENUM_ROOTS):
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Tuple, ast.List, ast.Set)) or len(node.elts) < 2:
                continue
            if not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
                continue
            values = {e.value for e in node.elts}  # type: ignore[attr-defined]
            for what, members in _SPELT.items():
                if len(values) >= 2 and values <= members:
                    found.setdefault(("spelt-out", rel, what), []).append(node.lineno)
    return found


def _unexplained(found: set[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    return sorted(f for f in found if f not in ALLOWED)


def test_no_module_or_function_over_the_limits() -> None:
    assert _unexplained(size_findings()) == [], (
        f"split these (modules <= {MAX_MODULE_LINES} lines, functions <= {MAX_FUNCTION_LINES})"
    )


def test_thresholds_are_named() -> None:
    found = number_findings()
    bad = [f"{rel}:{found[(r, rel, value)]} {value}" for r, rel, value in _unexplained(set(found))]
    assert bad == [], "name these numbers as module constants with a comment saying what they bound"


def test_classes_qualifiers_and_roles_come_from_the_enums() -> None:
    found = enum_findings()
    bad = [f"{rel}:{found[(r, rel, what)]} {what}" for r, rel, what in _unexplained(set(found))]
    assert bad == [], "use citykg.graph.records' enums (EntityClass, Qualifier, ChangeRole)"


def test_one_fold() -> None:
    folds = [rel for rel, tree, _ in _modules(ENUM_ROOTS) for fn in _functions(tree) if fn.name == "fold"]
    assert folds == ["graph/ingest/text.py"]


def test_the_allow_list_is_not_stale() -> None:
    found = size_findings() | set(number_findings()) | set(enum_findings())
    assert sorted(set(ALLOWED) - found) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("LIMIT = 40\ndef f(s):\n    return s[:LIMIT]", []),  # named at module level: fine
        ("def f(s):\n    return s[:40]", [(2, 40)]),  # a slice bound
        ("def f(s):\n    return len(s) >= 4", [(2, 4)]),  # a comparison
        ("def f(s, reach=240):\n    return s", [(1, 240)]),  # a default
        ("def f(s):\n    return round(s, 3)", [(2, 3)]),  # a call argument
        ("def f(s):\n    return s[3] + s[-2:] + s[2] * -1", []),  # an index, two, minus one
        ("def f(s):\n    return s == True", []),  # booleans are not numbers
    ],
)
def test_the_number_rule_on_small_sources(source: str, expected: list[tuple[int, float]]) -> None:
    assert list(bare_numbers(ast.parse(source))) == expected
