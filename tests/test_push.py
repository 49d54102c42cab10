"""``citykg push`` to a real Oxigraph server, then every saved query there vs the embedded store."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

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
