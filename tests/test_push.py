"""``citykg push`` to a real Oxigraph server, then every saved query there vs the embedded store."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from citykg.cli import cli
from citykg.store import querylib, summaries
from citykg.store.core import RemoteStore, StoreError, open_store
from citykg.testing import require_tool

pytestmark = pytest.mark.server


def oxigraph_binary() -> str:
    local = Path(sys.executable).parent / "oxigraph"
    return str(local) if local.exists() else require_tool("oxigraph")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_oxigraph(location: Path | None, *flags: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}", *flags]
    if location is not None:
        cmd += ["--location", str(location)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    proc.kill()
    pytest.fail("oxigraph serve did not start")


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    proc, url = start_oxigraph(tmp_path_factory.mktemp("oxigraph"), "--union-default-graph")
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def pushed(oxigraph: str, built: Path) -> str:
    result = CliRunner().invoke(
        cli, ["push", "--gsp", f"{oxigraph}/store", "--data", str(built), "--json", "-q"]
    )
    assert result.exit_code == 0, result.output
    return oxigraph


def normalise(rows: list[dict[str, str | None]]) -> list[tuple]:
    return sorted(tuple(sorted((k, v or "") for k, v in r.items())) for r in rows)


def test_push_keeps_every_named_graph(pushed: str, built: Path) -> None:
    local = open_store(built)
    remote = RemoteStore(f"{pushed}/query")
    q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    assert normalise(remote.select(q)) == normalise(local.select(q))
    assert len(local.select(q)) >= 5
    # the derived summaries (citykg.store.summaries) travel with the data: the saved queries read them
    assert summaries.GRAPH_SUMMARIES.value in {r["g"] for r in remote.select(q)}


@pytest.mark.parametrize(
    "saved", [*querylib.catalogue().values(), *querylib.catalogue(qc=True).values()], ids=lambda q: q.name
)
def test_saved_query_same_on_server_and_embedded(
    pushed: str, built: Path, saved: querylib.SavedQuery
) -> None:
    local = open_store(built)
    remote = open_store(endpoint=f"{pushed}/query")
    expected = local.select(saved.text, querylib.bind_params(saved, saved.example, local))
    got = remote.select(saved.text, querylib.bind_params(saved, saved.example, remote))
    assert normalise(got) == normalise(expected)


def test_cli_query_endpoint_json_is_identical(pushed: str, built: Path) -> None:
    args = ["query", "compare-indicator", "-p", "indicator=5G基站数量", "--json"]
    embedded = CliRunner().invoke(cli, [*args, "--data", str(built)])
    remote = CliRunner().invoke(cli, [*args, "--endpoint", f"{pushed}/query"])
    assert remote.exit_code == 0, remote.output
    assert remote.output == embedded.output


def test_pushing_again_replaces_graphs(pushed: str, built: Path) -> None:
    again = CliRunner().invoke(cli, ["push", "--gsp", f"{pushed}/store", "--data", str(built), "--tsv"])
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[0] == "graph\ttriples\tstatus"
    q = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert RemoteStore(f"{pushed}/query").select(q) == open_store(built).select(q)


def test_server_without_union_default_graph_is_explained(built: Path) -> None:
    proc, url = start_oxigraph(None)
    try:
        result = CliRunner().invoke(cli, ["push", "--gsp", f"{url}/store", "--data", str(built), "-q"])
        assert result.exit_code == 0, result.output
        with pytest.raises(StoreError) as err:
            open_store(endpoint=f"{url}/query").check_union()
        assert err.value.message == (
            f"{url}/query: the default graph is not the union of the named graphs - start Oxigraph with "
            "--union-default-graph (Fuseki: tdb2:unionDefaultGraph true)."
        )
    finally:
        proc.terminate()
        proc.wait(10)


def test_push_to_nowhere_is_a_user_error(built: Path) -> None:
    result = CliRunner().invoke(
        cli, ["push", "--gsp", "http://127.0.0.1:9/store", "--data", str(built), "-q"]
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: Cannot reach http://127.0.0.1:9/store?graph=")


def _oxigraph_load(location: Path, path: Path) -> None:
    """Load a file into a fresh Oxigraph database with Oxigraph's own loader (not citykg push)."""
    subprocess.run(
        [oxigraph_binary(), "load", "--location", str(location), "--file", str(path)],
        check=True,
        capture_output=True,
        timeout=300,
    )


def test_loaded_by_another_loader_the_query_says_why(built: Path, tmp_path: Path) -> None:
    """A server loaded by its own loader from a TriG without the summaries graph (not the build's):
    say so, not 0 rows."""
    bare = tmp_path / "bare.trig"
    quads = [q for q in ox.parse(path=str(built / "citykg.trig")) if q.graph_name != summaries.GRAPH_SUMMARIES]
    bare.write_bytes(ox.serialize(quads, format=ox.RdfFormat.TRIG))
    _oxigraph_load(tmp_path / "db", bare)
    proc, url = start_oxigraph(tmp_path / "db", "--union-default-graph")
    try:
        run = ["query", "similar-cities", "-p", "city=青岛", "--endpoint", f"{url}/query"]
        result = CliRunner().invoke(cli, run)
        assert result.exit_code == 1
        assert "ckr:graph/summaries" in result.output or "graph/summaries" in result.output
        assert "citykg push" in result.output and "--with-summaries" in result.output
        # queries that do not need the summaries still answer there
        ok = CliRunner().invoke(cli, ["query", "list-cities", "--endpoint", f"{url}/query", "--json"])
        assert ok.exit_code == 0, ok.output
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_builds_trig_loaded_by_another_loader_answers_the_saved_queries(built: Path, tmp_path: Path) -> None:
    """The build writes the summaries graph into citykg.trig: ``oxigraph load`` of that file alone
    answers the saved queries that read it, as the embedded store does."""
    _oxigraph_load(tmp_path / "db", built / "citykg.trig")
    proc, url = start_oxigraph(tmp_path / "db", "--union-default-graph")
    try:
        local, remote = open_store(built), open_store(endpoint=f"{url}/query")
        for name, params in (("similar-cities", {"city": "青岛"}), ("list-indicators", {})):
            saved = querylib.find(name)
            expected = local.select(saved.text, querylib.bind_params(saved, params, local))
            got = remote.select(saved.text, querylib.bind_params(saved, params, remote))
            assert expected and normalise(got) == normalise(expected)
    finally:
        proc.terminate()
        proc.wait(10)


class _AuthStore:
    """A Graph Store stand-in on 127.0.0.1 that records Authorization headers and wants ``expect``."""

    def __init__(self, expect: str) -> None:
        import http.server
        import threading

        self.seen: list[str | None] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PUT(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                got = self.headers.get("Authorization")
                outer.seen.append(got)
                self.send_response(204 if got == expect else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/store"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_push_sends_credentials(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import base64

    basic = "Basic " + base64.b64encode(b"analyst:s3cret").decode()
    store = _AuthStore(basic)
    try:
        denied = CliRunner().invoke(cli, ["push", "--gsp", store.url, "--data", str(built), "-q"])
        assert denied.exit_code == 1 and "--user/--password" in denied.output
        ok = CliRunner().invoke(
            cli,
            [
                "push",
                "--gsp",
                store.url,
                "--user",
                "analyst",
                "--password",
                "s3cret",
                "--data",
                str(built),
                "-q",
            ],
        )
        assert ok.exit_code == 0, ok.output
        assert store.seen[-1] == basic
        netrc = tmp_path / ".netrc"
        netrc.write_text("machine 127.0.0.1 login analyst password s3cret\n")
        netrc.chmod(0o600)
        monkeypatch.setenv("HOME", str(tmp_path))
        from_netrc = CliRunner().invoke(cli, ["push", "--gsp", store.url, "--data", str(built), "-q"])
        assert from_netrc.exit_code == 0, from_netrc.output
    finally:
        store.server.shutdown()
    bearer = _AuthStore("Bearer tok-123")
    try:
        ok = CliRunner().invoke(
            cli, ["push", "--gsp", bearer.url, "--token", "tok-123", "--data", str(built), "-q"]
        )
        assert ok.exit_code == 0, ok.output
        assert set(bearer.seen) == {"Bearer tok-123"}
    finally:
        bearer.server.shutdown()
