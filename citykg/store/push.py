"""``citykg push``: upload the built dataset to a triple store, named graphs kept.

Uses the SPARQL 1.1 Graph Store HTTP Protocol: each named graph is PUT to
``URL?graph=IRI`` as N-Triples (a PUT replaces the graph, so pushing again after
a rebuild is idempotent), the default graph, if any, to ``URL?default``.

Secured stores (Fuseki, GraphDB, Virtuoso behind a proxy) take HTTP Basic
credentials (``--user``/``--password``, or the host's entry in ``~/.netrc``) or a
bearer token (``--token``); they are sent only to the ``--gsp`` host.
"""

from __future__ import annotations

import base64
import netrc
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from citykg.errors import InputError, StoreError
from citykg.store.core import EmbeddedStore, open_store


@dataclass(frozen=True)
class Credentials:
    """How to authenticate to the store: HTTP Basic (user, password) or a bearer token."""

    user: str | None = None
    password: str | None = None
    token: str | None = None

    def header(self, url: str, netrc_file: str | None = None) -> dict[str, str]:
        """The Authorization header for ``url`` (explicit credentials, else the host's netrc entry).

        >>> Credentials(user="a", password="b").header("http://h/store")
        {'Authorization': 'Basic YTpi'}
        >>> Credentials(token="t0k").header("http://h/store")
        {'Authorization': 'Bearer t0k'}
        """
        if self.token:
            if self.user or self.password:
                raise InputError("Pass either --token or --user/--password, not both.")
            return {"Authorization": f"Bearer {self.token}"}
        user, password = self.user, self.password
        if user is None and password is None:
            user, password = _from_netrc(urllib.parse.urlsplit(url).hostname or "", netrc_file)
        if user is None:
            if password is not None:
                raise InputError("--password needs --user.")
            return {}
        pair = f"{user}:{password or ''}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


def _from_netrc(host: str, path: str | None) -> tuple[str | None, str | None]:
    """(login, password) of ``host`` in the netrc file (``~/.netrc`` by default), or (None, None)."""
    try:
        entry = netrc.netrc(path).authenticators(host)
    except FileNotFoundError:
        return None, None
    except (netrc.NetrcParseError, OSError) as exc:
        raise InputError(f"Cannot read the netrc file: {exc}") from None
    return (entry[0], entry[2]) if entry else (None, None)


def _put(url: str, body: bytes, timeout: float, auth: dict[str, str] | None = None) -> int:
    req = urllib.request.Request(
        url, data=body, method="PUT", headers={"Content-Type": "application/n-triples", **(auth or {})}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip()[:300]
        if exc.code in (401, 403):
            hint = (
                "check --user/--password or --token"
                if auth
                else "pass --user/--password (or a ~/.netrc entry) or --token"
            )
            raise StoreError(f"{url} refused the upload ({exc.code}): {hint}.") from None
        raise StoreError(f"{url} refused the upload ({exc.code}): {detail}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise StoreError(f"Cannot reach {url}: {reason} - is the triple store running?") from None


def graph_url(gsp: str, graph: ox.NamedNode | None) -> str:
    """The GSP URL of one graph (``?graph=IRI``) or of the default graph (``?default``).

    >>> graph_url("http://h/store", ox.NamedNode("https://w3id.org/citykg/resource/doc/ab"))
    'http://h/store?graph=https%3A%2F%2Fw3id.org%2Fcitykg%2Fresource%2Fdoc%2Fab'
    """
    sep = "&" if "?" in gsp else "?"
    if graph is None:
        return f"{gsp}{sep}default"
    return f"{gsp}{sep}{urllib.parse.urlencode({'graph': graph.value})}"


def push_dataset(
    gsp: str,
    data: str | None,
    quiet: bool = False,
    timeout: float = 120.0,
    progress: Callable[[int, int], None] | None = None,
    credentials: Credentials | None = None,
) -> list[dict[str, object]]:
    """PUT every graph of the build in ``data`` to ``gsp``; returns one summary row per graph.

    ``progress(done, total)`` is called after each graph (the CLI draws a bar with it).
    """
    if not gsp.startswith(("http://", "https://")):
        raise InputError(f"--gsp {gsp!r} is not an http(s) URL - pass e.g. http://127.0.0.1:7878/store")
    auth = (credentials or Credentials()).header(gsp)
    store = open_store(data)
    if not isinstance(store, EmbeddedStore):  # pragma: no cover - open_store(data) is always embedded
        raise StoreError("push needs a local build (--data OUT)")
    graphs: list[ox.NamedNode | None] = sorted(store.store.named_graphs(), key=lambda g: g.value)
    if any(True for _ in store.store.quads_for_pattern(None, None, None, ox.DefaultGraph())):
        graphs.append(None)
    rows: list[dict[str, object]] = []
    for done, g in enumerate(graphs, 1):
        triples = [q.triple for q in store.store.quads_for_pattern(None, None, None, g or ox.DefaultGraph())]
        status = _put(graph_url(gsp, g), ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), timeout, auth)
        rows.append({"graph": g.value if g else "(default)", "triples": len(triples), "status": status})
        if progress is not None and not quiet:
            progress(done, len(graphs))
    return rows
