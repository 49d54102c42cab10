"""A small SPARQL lexer: query form, variables, SERVICE use, VALUES injection.

Enough of SPARQL's lexical grammar to skip comments, strings and IRIs, so that
parameters can be bound for a remote endpoint by inserting a ``VALUES`` block
of serialised RDF terms at the start of the WHERE group - never by pasting user
text into the query. The one exception is a page: SPARQL allows no variable in
``LIMIT``/``OFFSET``, so ``set_slice`` writes the numbers there, and only numbers.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<word>(?:[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_\-.\u00B7-\uFFFF]*)?:(?:\\.|[^\s{}()\[\];,\\<>"'#])*
             |[A-Za-z_][A-Za-z0-9_\-.]*)
  | (?P<number>[0-9]+)
  | (?P<punct>[{}()\[\]])
  | (?P<other>\S)
    """,
    re.X | re.S,
)
FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}
#: Deepest ``()``/``[]``/``{}`` nesting accepted (saved queries reach 11; the engine's
#: recursive parser overflows its stack somewhere past a few thousand levels).
MAX_NESTING = 64
#: A form keyword that is the text's first token (only whitespace before it, and a character
#: after it that cannot continue a word or prefixed name): the usual query, read without lexing.
_LEADING_FORM = re.compile(r"\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)(?=[\s?$*({#<]|\Z)", re.I | re.A)
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int


def tokens(query: str) -> Iterator[Token]:
    """Significant tokens (comments dropped).

    >>> [t.text for t in tokens('SELECT ?x # "not" a string\\n{ ?x <a:b> "}" }')]
    ['SELECT', '?x', '{', '?x', '<a:b>', '"}"', '}']
    """
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup or "other"
        if kind != "comment":
            yield Token(kind, m.group(), m.start(), m.end())


def query_form(query: str) -> str:
    """``select``, ``ask``, ``graph`` (CONSTRUCT/DESCRIBE), ``update`` or ``unknown``.

    >>> query_form("PREFIX ck: <https://x/> SELECT * { ?s ?p ?o }")
    'select'
    >>> query_form("prefix : <a:b> insert data { :a :b :c }")
    'update'
    >>> query_form("  select ?x { ?x ?p ?o }"), query_form("SELECT:x"), query_form("ASK{}")
    ('select', 'unknown', 'ask')
    """
    lead = _LEADING_FORM.match(query)
    if lead:  # the text starts with the form keyword: no need to run the tokeniser
        return FORMS[lead.group(1).upper()]
    for t in tokens(query):
        if t.kind != "word":
            continue
        word = t.text.upper()
        if word in ("BASE", "PREFIX") or t.text.endswith(":"):
            continue
        if word in FORMS:
            return FORMS[word]
        if word in UPDATE_WORDS:
            return "update"
        return "unknown"
    return "unknown"


def variables(query: str) -> set[str]:
    """Names of the variables the query text mentions.

    >>> sorted(variables("SELECT ?a WHERE { ?a ?b $c . FILTER(?a != '?d') }"))
    ['a', 'b', 'c']
    """
    return {t.text[1:] for t in tokens(query) if t.kind == "var"}


def uses_service(query: str) -> bool:
    r"""True when the lexer sees the ``SERVICE`` keyword (after unicode escapes, as the engine reads it).

    One of two independent checks (``citykg.store.federation`` also parses the algebra);
    a prefixed name with an escaped ``#`` does not start a comment.

    >>> uses_service('SELECT * { ?s ?p "SERVICE" }'), uses_service("SELECT * { SERVICE <a:b> { ?s ?p ?o } }")
    (False, True)
    >>> uses_service('SELECT * { ?s ?p :a\\# . SERVICE <a:b> { ?s ?p ?o } }')
    True
    >>> uses_service('SELECT * { \\u0053ERVICE <a:b> { ?s ?p ?o } }')
    True
    """
    return any(t.kind == "word" and t.text.upper() == "SERVICE" for t in tokens(unescape_codepoints(query)))


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape_codepoints(query: str) -> str:
    r"""The query with ``\uXXXX``/``\UXXXXXXXX`` escapes replaced, as SPARQL does before parsing.

    >>> unescape_codepoints(r"\u0053ERVICE \U0001F600")
    'SERVICE 😀'
    """

    def one(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group()

    return _CODEPOINT.sub(one, query)


def nesting_depth(query: str) -> int:
    """The deepest nesting of ``()``, ``[]`` and ``{}`` in the query (strings and comments skipped).

    The endpoint refuses queries nested deeper than a bound before the engine sees them:
    its parser recurses once per level and a deep enough query overflows the stack.

    >>> nesting_depth("SELECT * { ?s ?p ?o FILTER((?o > 1)) }"), nesting_depth('ASK { ?s ?p "(((" }')
    (3, 1)
    """
    depth = deepest = 0
    for t in tokens(unescape_codepoints(query)):
        if t.kind != "punct":
            continue
        if t.text in "({[":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(0, depth - 1)
    return deepest


def too_deep(query: str, bound: int = MAX_NESTING) -> bool:
    """True when the query nests ``()``/``[]``/``{}`` deeper than ``bound`` (strings and comments skipped).

    The nesting can be no deeper than the number of opening brackets in the text (after
    ``\\uXXXX`` escapes, which may spell one), so a text with at most ``bound`` of them is
    answered without tokenising it: most queries, at a few microseconds instead of ~60.

    >>> too_deep("SELECT * { ?s ?p ?o }"), too_deep("ASK {" + "(" * 70 + "1" + ")" * 70 + "}")
    (False, True)
    >>> too_deep('ASK { ?s ?p "' + "(" * 70 + '" }'), too_deep("ASK { " + "\\u0028" * 70 + " }")
    (False, True)
    """
    text = unescape_codepoints(query) if "\\" in query else query
    if text.count("(") + text.count("[") + text.count("{") <= bound:
        return False
    return nesting_depth(query) > bound  # the original: unescaped once, as the engine does


def _open_brace(toks: list[Token], start: int) -> int:
    """Index of the ``{`` opening the WHERE group of the query form at ``toks[start]``."""
    form = toks[start].text.upper()
    skip_template = form == "CONSTRUCT"
    depth = parens = 0
    after_where = False
    for i in range(start + 1, len(toks)):
        t = toks[i]
        if t.kind == "word" and t.text.upper() == "WHERE" and depth == 0 and parens == 0:
            if skip_template:
                raise ValueError("parameters cannot be bound in the short CONSTRUCT WHERE form")
            after_where = True
        elif t.text == "(" and t.kind == "punct":
            parens += 1
        elif t.text == ")" and t.kind == "punct":
            parens -= 1
        elif t.text == "{" and t.kind == "punct":
            if depth == 0 and parens == 0:
                if skip_template and not after_where:
                    skip_template = False
                    depth += 1
                    continue
                return i
            depth += 1
        elif t.text == "}" and t.kind == "punct":
            depth -= 1
    raise ValueError("the query has no WHERE group to bind parameters in")


def _groups(query: str) -> list[tuple[int, int, set[str]]]:
    """(insert offset, end offset, variables inside) of the WHERE group of the query and each sub-SELECT."""
    toks = list(tokens(query))
    match: dict[int, int] = {}
    stack: list[int] = []
    for i, t in enumerate(toks):
        if t.kind == "punct" and t.text == "{":
            stack.append(i)
        elif t.kind == "punct" and t.text == "}" and stack:
            match[stack.pop()] = i
    out = []
    forms = [i for i, t in enumerate(toks) if t.kind == "word" and t.text.upper() in FORMS]
    for n, i in enumerate(forms):
        if n > 0 and toks[i].text.upper() != "SELECT":
            continue
        open_i = _open_brace(toks, i)
        close_i = match.get(open_i, len(toks) - 1)
        names = {t.text[1:] for t in toks[open_i:close_i] if t.kind == "var"}
        out.append((toks[open_i].end, toks[close_i].start, names))
    return out


def where_brace(query: str) -> int:
    """Offset just after the ``{`` opening the query's WHERE group.

    >>> q = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    >>> q[where_brace(q):]
    ' ?s ?p ?o }'
    """
    toks = list(tokens(query))
    first = next((i for i, t in enumerate(toks) if t.kind == "word" and t.text.upper() in FORMS), None)
    if first is None:
        raise ValueError("the query has no SELECT, ASK, CONSTRUCT or DESCRIBE")
    return toks[_open_brace(toks, first)].end


def inject_values(query: str, bindings: dict[str, str]) -> str:
    """Bind variables by a ``VALUES`` row at the start of the WHERE group.

    ``bindings`` maps a variable name to an already serialised RDF term
    (N-Triples syntax, as ``str()`` of a pyoxigraph term gives). Like SEP-0007
    substitution, a sub-SELECT that mentions a bound variable gets the row too,
    so it is evaluated for that value only.

    >>> inject_values('SELECT ?c { ?c ?p ?l }', {"l": '"青岛"'})
    'SELECT ?c { VALUES (?l) { ("青岛") } ?c ?p ?l }'
    >>> inject_values('SELECT * { ?a ?b ?l { SELECT ?l WHERE { ?l ?x ?y } } }', {"l": "<a:b>"})
    'SELECT * { VALUES (?l) { (<a:b>) } ?a ?b ?l { SELECT ?l WHERE { VALUES (?l) { (<a:b>) } ?l ?x ?y } } }'
    """
    if not bindings:
        return query
    groups = _groups(query)
    if not groups:
        raise ValueError("the query has no WHERE group to bind parameters in")
    inserts = []
    for n, (at, _, names) in enumerate(groups):
        chosen = list(bindings) if n == 0 else [k for k in bindings if k in names]
        if chosen:
            row = " ".join(f"?{k}" for k in chosen), " ".join(bindings[k] for k in chosen)
            inserts.append((at, f" VALUES ({row[0]}) {{ ({row[1]}) }}"))
    for at, text in sorted(inserts, reverse=True):
        query = query[:at] + text + query[at:]
    return query


def slice_clause(query: str) -> tuple[int, int | None] | None:
    """``(LIMIT, OFFSET)`` of the query's one LIMIT clause (OFFSET None when absent), else None.

    A saved query that pages has exactly one ``LIMIT n`` (usually in the sub-SELECT that
    picks the page); more than one is ambiguous and raises ValueError.

    >>> slice_clause("SELECT * { { SELECT ?c { ?c ?p ?o } ORDER BY ?c LIMIT 20 OFFSET 40 } }")
    (20, 40)
    >>> slice_clause("SELECT * { ?s ?p 'LIMIT 3' }") is None
    True
    """
    found = _slice_tokens(list(tokens(query)))
    if found is None:
        return None
    (_, limit), offset = found
    return int(limit.text), None if offset is None else int(offset[1].text)


def set_slice(query: str, limit: int | None = None, offset: int | None = None) -> str:
    """The query with its one ``LIMIT``/``OFFSET`` clause set to ``limit``/``offset``.

    Only non-negative integers are written (they are ints, not text), so this is safe
    for values a user typed; ``OFFSET`` is added after ``LIMIT n`` when missing.

    >>> set_slice("SELECT ?c { ?c ?p ?o } ORDER BY ?c LIMIT 20", 5, 10)
    'SELECT ?c { ?c ?p ?o } ORDER BY ?c LIMIT 5 OFFSET 10'
    >>> set_slice("SELECT ?c { ?c ?p ?o } OFFSET 0 LIMIT 20", offset=3)
    'SELECT ?c { ?c ?p ?o } OFFSET 3 LIMIT 20'
    """
    for value in (limit, offset):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise ValueError(f"a page size or offset must be a non-negative integer, not {value!r}")
    found = _slice_tokens(list(tokens(query)))
    if found is None:
        raise ValueError("the query has no LIMIT clause to page with")
    (_, limit_tok), offset_pair = found
    edits = []
    if limit is not None:
        edits.append((limit_tok.start, limit_tok.end, str(limit)))
    if offset is not None:
        if offset_pair is None:
            edits.append((limit_tok.end, limit_tok.end, f" OFFSET {offset}"))
        else:
            edits.append((offset_pair[1].start, offset_pair[1].end, str(offset)))
    for start, end, text in sorted(edits, reverse=True):
        query = query[:start] + text + query[end:]
    return query


def _slice_tokens(toks: list[Token]) -> tuple[tuple[Token, Token], tuple[Token, Token] | None] | None:
    """((LIMIT, n), (OFFSET, m) or None) of the query's single LIMIT clause."""
    pairs: dict[str, list[tuple[Token, Token]]] = {"LIMIT": [], "OFFSET": []}
    for keyword, value in itertools.pairwise(toks):
        word = keyword.text.upper()
        if keyword.kind == "word" and word in pairs and value.kind == "number":
            pairs[word].append((keyword, value))
    if not pairs["LIMIT"]:
        return None
    if len(pairs["LIMIT"]) > 1 or len(pairs["OFFSET"]) > 1:
        raise ValueError("the query has more than one LIMIT/OFFSET clause: cannot tell which one pages")
    return pairs["LIMIT"][0], (pairs["OFFSET"][0] if pairs["OFFSET"] else None)


def syntax_message(message: str, checked: bool = False) -> str:
    """What to say about the engine's SyntaxError ``message``: the user's syntax error, or, for a
    text whose syntax was already checked (``checked``), that binding parameters broke it.

    >>> syntax_message("error at 1:8: expected WHERE")
    'SPARQL syntax error at line 1, column 8: expected WHERE'
    """
    if checked:
        return f"cannot bind parameters here: {message}"
    return f"SPARQL syntax error at {describe_syntax_error(message)}"


_ERROR_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


def describe_syntax_error(message: str) -> str:
    """Reword pyoxigraph's ``error at L:C: msg`` as ``line L, column C: msg``.

    >>> describe_syntax_error("error at 3:2: expected OPTIONAL")
    'line 3, column 2: expected OPTIONAL'
    """
    m = _ERROR_AT.search(message)
    if not m:
        return message
    detail = m.group(3).strip().splitlines()[0]
    if len(detail) > 160:
        detail = detail[:159] + "…"
    return f"line {m.group(1)}, column {m.group(2)}: {detail}"
