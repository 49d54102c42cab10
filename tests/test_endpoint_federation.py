"""No SERVICE clause, however spelled, makes citykg open a connection (issue 12.3).

A listener on 127.0.0.1 records every connection; each spelling is run through
``citykg query`` (the installed script) and through the HTTP endpoint, and the
listener must see nothing.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import endpointkit
import pytest

from citykg.errors import QueryError
from citykg.store import federation
from citykg.store.core import memory_store

FIXTURE = endpointkit.FIXTURE
endpoint = endpointkit.endpoint  # the fixture: a server on the mini TriG
CITYKG = Path(sys.executable).parent / "citykg"


class Listener:
    """A TCP server thread on 127.0.0.1 that records (and closes) every connection."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.hits: list[bytes] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.settimeout(1)
            try:
                self.hits.append(conn.recv(4096))
            except OSError:
                self.hits.append(b"")
            conn.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.sock.close()


def spellings(port: int) -> list[str]:
    url = f"<http://127.0.0.1:{port}/sparql>"
    return [
        f"SELECT * {{ SERVICE {url} {{ ?s ?p ?o }} }}",
        f"select * {{ service {url} {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE SILENT {url} {{ ?s ?p ?o }} }}",
        f"SELECT * {{ ?a ?b ck:x\\# . SERVICE {url} {{ ?s ?p ?o }} }}",
        f"PREFIX : <urn:x:> SELECT * {{ ?a ?b :a\\# . SERVICE {url} {{ ?s ?p ?o }} }}",
        f"SELECT * {{ \\u0053ERVICE {url} {{ ?s ?p ?o }} }}",
        f"SELECT * {{ \\U00000053\\U00000045RVICE {url} {{ ?s ?p ?o }} }}",
        f"SELECT * {{ {{ {{ OPTIONAL {{ SeRvIcE {url} {{ ?s ?p ?o }} }} }} }} }}",
        f"SELECT * {{ # a comment\n SERVICE {url} {{ ?s ?p ?o }} }}",
        f'SELECT * {{ ?s ?p "#" . SERVICE {url} {{ ?s ?p ?o }} }}',
        f"SELECT * {{ ?s ?p ck:a%23b . SERVICE {url} {{ ?s ?p ?o }} }}",
        f"SELECT * {{ BIND({url} AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
        f"ASK {{ SERVICE {url} {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE {url} {{ ?s ?p ?o }} }}",
        f"SELECT * {{ {{ SELECT * {{ SERVICE {url} {{ ?s ?p ?o }} }} }} }}",
    ]


def test_every_spelling_is_refused_in_process(listener: Listener) -> None:
    store = memory_store(FIXTURE)
    for text in spellings(listener.port):
        with pytest.raises(QueryError, match=r"SERVICE|service|federat"):
            store.query(text)
    assert listener.hits == []


def test_the_word_service_in_a_string_or_comment_is_fine() -> None:
    store = memory_store(FIXTURE)
    assert store.query('SELECT * { ?s ?p "SERVICE <http://x/> {}" } LIMIT 1').kind == "select"
    assert store.query("ASK { ?s ?p ?o } # SERVICE <http://x/> { }").kind == "ask"
    federation.check_no_service('SELECT * { ?s ?p "customer service" }')


def test_citykg_query_script_never_connects(listener: Listener, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "citykg.trig").write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    for text in spellings(listener.port)[:6]:
        run = subprocess.run(
            [str(CITYKG), "query", text, "--data", str(out)], capture_output=True, text=True, timeout=120
        )
        assert run.returncode == 1, (text, run.stdout, run.stderr)
        assert "Traceback" not in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert listener.hits == []


def test_endpoint_never_connects(listener: Listener, endpoint: str) -> None:
    for text in spellings(listener.port):
        for method in ("GET", "POST"):
            if method == "GET":
                req = urllib.request.Request(endpoint + "sparql?" + urllib.parse.urlencode({"query": text}))
            else:
                req = urllib.request.Request(
                    endpoint + "sparql",
                    data=urllib.parse.urlencode({"query": text}).encode(),
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                )
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(req, timeout=30)
            assert err.value.code == 400, text
    assert listener.hits == []


def test_deep_nesting_is_refused_before_the_engine(endpoint: str, tmp_path: Path) -> None:
    deep = "SELECT * { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"
    out = tmp_path / "out"
    out.mkdir()
    (out / "citykg.trig").write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    run = subprocess.run(
        [str(CITYKG), "query", "-", "--data", str(out)], input=deep, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 1 and "nested" in run.stderr, run.stderr
    req = urllib.request.Request(
        endpoint + "sparql", data=deep.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=30)
    assert err.value.code == 400 and "nested" in err.value.read().decode()
    with urllib.request.urlopen(endpoint + "sparql?query=ASK%7B%3Fs%3Fp%3Fo%7D", timeout=30) as resp:
        assert resp.status == 200  # the server is alive
