"""``citykg query``, ``citykg queries``, ``citykg serve`` and ``citykg push``."""

from __future__ import annotations

import click

from citykg.api import run_query
from citykg.cli.options import data_option, output_options, param_option, quiet_option
from citykg.cli.output import echo_rows, render, typed_rows
from citykg.store import querylib
from citykg.store.core import QueryResult, open_store

JSON_FORMATS = ("json", "nl")


def run(query: str, params: dict[str, str], data: str | None, endpoint: str | None) -> QueryResult:
    """Resolve QUERY, bind its declared params and run it on the chosen store (see citykg.api)."""
    return run_query(query, params, open_store(data, endpoint))


@click.command()
@click.argument("query")
@param_option("Bind a declared parameter (labels such as 青岛 resolve to IRIs). Repeatable.")
@data_option
@click.option(
    "--endpoint", "-e", metavar="URL", help="Query a SPARQL 1.1 endpoint instead of the local build."
)
@click.option(
    "--format",
    "rdf_format",
    type=click.Choice(["turtle", "ntriples", "jsonld"]),
    default="turtle",
    show_default=True,
    help="Serialisation of CONSTRUCT/DESCRIBE results.",
)
@output_options
def query(
    query: str, params: tuple[str, ...], data: str | None, endpoint: str | None, rdf_format: str, fmt: str
) -> None:
    """Run a SPARQL query: a saved query name, a .rq file, literal SPARQL or - for stdin.

    SELECT/ASK print rows (--table/--json/--nl/--csv/--tsv/--fmt markdown; JSON is typed:
    numbers and booleans by their RDF datatype); CONSTRUCT/DESCRIBE print
    Turtle (or --format jsonld/ntriples). The default graph is the union of all graphs.

    \b
    Examples:
        citykg query cities-running-reform --param reform=一网通办
        citykg query compare-indicator -p indicator=5G基站数量 --json
        citykg query 'SELECT ?c WHERE { ?c a ck:City }' --data out/
        citykg query list-cities --endpoint http://127.0.0.1:7878/query
    """
    if data and endpoint:
        raise click.UsageError("Pass either --data or --endpoint, not both.")
    result = run(query, querylib.parse_param_options(params), data, endpoint)
    if result.kind == "graph":
        click.echo(result.serialize(rdf_format).rstrip("\n"))
    elif result.kind == "ask":
        value: object = bool(result.boolean) if fmt in JSON_FORMATS else str(bool(result.boolean)).lower()
        echo_rows([{"result": value}], ["result"], fmt)
    else:
        rows = typed_rows(result) if fmt in JSON_FORMATS else result.dicts()
        echo_rows(rows, result.variables, fmt)


@click.command()
@click.argument("name", required=False)
@click.option("--qc", is_flag=True, help="List the quality checks (queries/qc/*-violation.rq) instead.")
@output_options
def queries(name: str | None, qc: bool, fmt: str) -> None:
    """List the saved queries with their titles and parameters, or show one: its header and SPARQL.

    \b
    Examples:
        citykg queries
        citykg queries --json
        citykg queries city-portfolio          # the full header and the SPARQL text
        citykg queries city-portfolio --json   # the same as one JSON object
    """
    if name:
        saved = querylib.find(name)
        if fmt in JSON_FORMATS:
            item = {**saved.to_json(), "path": str(saved.path), "sparql": saved.text}
            echo_rows([item], list(item), fmt)
        else:
            click.echo(saved.text.rstrip("\n"))
        return
    rows = [q.to_json() for q in querylib.catalogue(qc=qc).values()]
    if fmt in JSON_FORMATS:
        keep = ("name", "title", "params", "columns", "description")
        echo_rows([{k: r[k] for k in keep} for r in rows], keep, fmt)
        return
    flat = [{"name": r["name"], "title": r["title"], "params": ", ".join(r["params"])} for r in rows]
    echo_rows(flat, ["name", "title", "params"], fmt)


@click.command()
@data_option
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Interface to bind (loopback by default)."
)
@click.option("--port", default=8000, show_default=True, type=int, help="TCP port (0: any free port).")
@click.option(
    "--timeout", default=10.0, show_default=True, type=float, help="Per-query time limit in seconds."
)
@click.option("--max-rows", default=10000, show_default=True, type=int, help="Result row cap per query.")
@click.option(
    "--max-bytes", default=10_000_000, show_default=True, type=int, help="Result size cap per query (bytes)."
)
@click.option("--workers", default=2, show_default=True, type=int, help="Query worker processes.")
@click.option(
    "--slow-workers",
    default=2,
    show_default=True,
    type=int,
    help="Extra low-priority workers for queries that ran long before (cheap ones keep the others).",
)
@click.option(
    "--memory/--no-memory",
    default=True,
    show_default=True,
    help="Workers hold the graph in memory (faster) or read the on-disk store (less RAM).",
)
@click.option(
    "--cors",
    default="*",
    show_default=True,
    metavar="ORIGINS",
    help='Origins allowed to query from a web page: "*", a comma-separated list, or "" for none.',
)
@click.option(
    "--read-timeout",
    default=10.0,
    show_default=True,
    type=float,
    help="Seconds a client may take to send one request (slow clients are dropped).",
)
@click.option(
    "--cache-mb",
    default=64,
    show_default=True,
    type=int,
    help="Answers remembered per build, in MB: a repeated request needs no worker (0: none).",
)
@click.option(
    "--overtime",
    default=120.0,
    show_default=True,
    type=float,
    help="Seconds a query past --timeout may keep running (low priority, at most 2 at once) so that "
    "its answer is remembered for the next request; the client still gets a 503 (0: stop it at once).",
)
def serve(
    data: str | None,
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    max_bytes: int,
    workers: int,
    slow_workers: int,
    memory: bool,
    cors: str,
    read_timeout: float,
    cache_mb: int,
    overtime: float,
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint with a query editor at /.

    GET/POST/HEAD /sparql (URL-encoded or application/sparql-query); SELECT/ASK as
    SPARQL JSON, XML, CSV or TSV and CONSTRUCT/DESCRIBE as Turtle, N-Triples,
    N-Quads, TriG, RDF/XML, JSON-LD or N3, by Accept header or format=. CORS for
    ORIGINS; updates and SERVICE are refused. A rebuild is picked up by all workers
    at once.

    \b
    Example:
        citykg serve --data out/ --port 8000
        curl 'http://127.0.0.1:8000/sparql?query=ASK%7B%3Fs%3Fp%3Fo%7D'
    """
    from citykg.server.endpoint import ServerConfig, serve_forever

    serve_forever(
        ServerConfig(
            data=data,
            host=host,
            port=port,
            timeout=timeout,
            max_rows=max_rows,
            max_bytes=max_bytes,
            workers=workers,
            slow_workers=slow_workers,
            memory=memory,
            cors=cors,
            read_timeout=read_timeout,
            cache_bytes=max(0, cache_mb) * 1_000_000,
            overtime=max(0.0, overtime),
        )
    )


@click.command()
@click.option(
    "--gsp",
    required=True,
    metavar="URL",
    help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store (Oxigraph).",
)
@click.option("--user", metavar="NAME", help="HTTP Basic user for a secured store (else ~/.netrc).")
@click.option("--password", metavar="SECRET", envvar="CITYKG_PUSH_PASSWORD", help="HTTP Basic password (or $CITYKG_PUSH_PASSWORD).")
@click.option("--token", metavar="TOKEN", envvar="CITYKG_PUSH_TOKEN", help="Bearer token (or $CITYKG_PUSH_TOKEN).")
@data_option
@quiet_option
@output_options
def push(
    gsp: str,
    user: str | None,
    password: str | None,
    token: str | None,
    data: str | None,
    quiet: bool,
    fmt: str,
) -> None:
    """Upload every named graph to a triple store (SPARQL 1.1 Graph Store HTTP Protocol).

    Each graph is PUT to URL?graph=IRI (replacing that graph), so pushing again is
    safe. Then run the saved queries there with --endpoint.

    \b
    Example:
        oxigraph serve --location db --union-default-graph &
        citykg push --gsp http://127.0.0.1:7878/store
        citykg query list-cities --endpoint http://127.0.0.1:7878/query
        citykg push --gsp https://fuseki.example/ds/data --user admin   # password: ~/.netrc or $CITYKG_PUSH_PASSWORD
    """
    from citykg.store.push import Credentials, push_dataset

    def progress(done: int, total: int) -> None:
        click.echo(f"\rPushing graphs {done}/{total}", err=True, nl=done == total)

    creds = Credentials(user=user, password=password, token=token)
    rows = push_dataset(gsp, data, quiet=quiet, progress=progress, credentials=creds)
    if not quiet:
        click.echo(render(rows, ["graph", "triples", "status"], fmt))


commands = [query, queries, serve, push]
