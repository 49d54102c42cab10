"""The endpoint as the tools analysts use see it (issue 16): SPARQLWrapper, curl, CORS, HTTP/1.1."""

from __future__ import annotations

import csv
import http.client
import io
import json
import subprocess
import urllib.parse
import warnings

import endpointkit
import pyoxigraph as ox
import pytest
from endpointkit import get, sparql_url
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDF, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from citykg.testing import require_tool

pytestmark = pytest.mark.server
endpoint = endpointkit.endpoint  # the fixture: a server on the mini TriG
QUERIES = {
    "SELECT": "SELECT ?c ?label WHERE { ?c a ck:City ; rdfs:label ?label } ORDER BY ?c",
    "ASK": "ASK { ?c a ck:City }",
    "CONSTRUCT": "CONSTRUCT { ?c a ck:City ; rdfs:label ?l } WHERE { ?c a ck:City ; rdfs:label ?l }",
    "DESCRIBE": "DESCRIBE ?c WHERE { ?c a ck:City } LIMIT 1",
}
PREFIXES = "PREFIX ck: <https://w3id.org/citykg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
EVERY_FORMAT = [JSON, XML, TURTLE, N3, RDF, RDFXML, CSV, TSV, JSONLD]
GRAPH_ACCEPT = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "text/n3": ox.RdfFormat.N3,
}
ROW_ACCEPT = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


@pytest.mark.parametrize("form", list(QUERIES))
def test_sparqlwrapper_defaults_in_every_format(endpoint: str, form: str) -> None:
    for fmt in EVERY_FORMAT:
        client = SPARQLWrapper(endpoint + "sparql")
        client.setQuery(PREFIXES + QUERIES[form])
        client.setReturnFormat(fmt)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SPARQLWrapper warns about */* for odd pairs
            response = client.query()
        assert response.response.status == 200, (form, fmt)
        ctype = response.response.headers["Content-Type"]
        if form in ("SELECT", "ASK"):
            expect = {XML: "xml", CSV: "csv", TSV: "tab-separated"}.get(fmt, "json")
            assert expect in ctype, (form, fmt, ctype)
        else:
            expect = {TURTLE: "turtle", N3: "n3", XML: "rdf+xml", RDFXML: "rdf+xml", JSONLD: "ld+json"}
            assert expect.get(fmt, "") in ctype, (form, fmt, ctype)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if fmt in (TURTLE, XML, RDFXML, JSONLD, N3):
                    graph = response.convert()
                    assert len(graph) > 0, (form, fmt)


def test_curl_for_each_accept(endpoint: str) -> None:
    curl = require_tool("curl")

    def run(query: str, accept: str) -> tuple[str, bytes]:
        out = subprocess.run(
            [curl, "-s", "-D", "-", "-H", f"Accept: {accept}", sparql_url(endpoint, query)],
            capture_output=True,
            timeout=60,
            check=True,
        ).stdout
        head, _, body = out.partition(b"\r\n\r\n")
        return head.decode().splitlines()[0], body

    for accept, fmt in GRAPH_ACCEPT.items():
        status, body = run(QUERIES["CONSTRUCT"], accept)
        assert "200" in status, (accept, status, body[:200])
        quads = list(ox.parse(body, format=fmt))
        assert len(quads) == 8, accept  # 4 cities, type and label each
    for accept, fmt in ROW_ACCEPT.items():
        status, body = run(QUERIES["SELECT"], accept)
        assert "200" in status, accept
        if fmt == ox.QueryResultsFormat.CSV:  # lossy: pyoxigraph will not parse it
            rows = list(csv.reader(io.StringIO(body.decode())))
            assert rows[0] == ["c", "label"] and len(rows) == 5
            continue
        assert len(list(ox.parse_query_results(body, format=fmt))) == 4, accept
        status, body = run(QUERIES["ASK"], accept)
        assert "200" in status and bool(ox.parse_query_results(body, format=fmt)), accept


def test_format_short_names(endpoint: str) -> None:
    for short, ctype in [("nt", "n-triples"), ("nq", "n-quads"), ("trig", "trig"), ("jsonld", "ld+json"),
                         ("rdfxml", "rdf+xml"), ("n3", "n3"), ("ttl", "turtle"), ("xml", "rdf+xml")]:  # fmt: skip
        status, headers, _ = get(sparql_url(endpoint, QUERIES["CONSTRUCT"], format=short))
        assert status == 200 and ctype in headers["Content-Type"], short
    for short, ctype in [("json", "json"), ("xml", "xml"), ("csv", "csv"), ("tsv", "tab-separated")]:
        status, headers, _ = get(sparql_url(endpoint, QUERIES["SELECT"], format=short))
        assert status == 200 and ctype in headers["Content-Type"], short


def test_406_recommends_a_type_that_works(endpoint: str) -> None:
    status, _, body = get(sparql_url(endpoint, QUERIES["CONSTRUCT"]), "image/png")
    assert status == 406
    message = body.decode()
    assert "text/turtle" in message and "sparql-results" not in message
    status, _, body = get(sparql_url(endpoint, QUERIES["SELECT"]), "image/png")
    assert status == 406 and "application/sparql-results+json" in body.decode()


def test_cors_options_head_and_keep_alive(endpoint: str) -> None:
    host = urllib.parse.urlsplit(endpoint).netloc
    conn = http.client.HTTPConnection(host, timeout=30)
    conn.request(
        "OPTIONS",
        "/sparql",
        headers={
            "Origin": "http://elsewhere.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    resp = conn.getresponse()
    resp.read()
    assert resp.status == 204
    assert resp.getheader("Access-Control-Allow-Origin") == "*"
    assert "POST" in resp.getheader("Access-Control-Allow-Methods")
    assert "content-type" in resp.getheader("Access-Control-Allow-Headers").lower()
    sock = conn.sock
    path = "/sparql?" + urllib.parse.urlencode({"query": QUERIES["ASK"]})
    conn.request("HEAD", path)
    resp = conn.getresponse()
    assert resp.status == 200 and int(resp.getheader("Content-Length")) > 0 and resp.read() == b""
    conn.request("GET", path, headers={"Origin": "http://elsewhere.example"})
    resp = conn.getresponse()
    assert json.loads(resp.read())["boolean"] is True
    assert resp.getheader("Access-Control-Allow-Origin") == "*"
    assert conn.sock is sock  # one connection for all three requests (HTTP/1.1 keep-alive)
    conn.close()


def test_saved_with_an_empty_name_is_a_404(endpoint: str) -> None:
    status, _, body = get(endpoint + "saved/")
    assert status == 404 and b"list-cities" in body
    status, _, body = get(endpoint + "saved/citys")
    assert status == 404 and b"list-cities" in body


def test_edited_saved_query_keeps_its_parameters(endpoint: str) -> None:
    """The page posts an edited saved query with param.NAME fields: bound, not pasted, not dropped."""
    status, _, body = get(endpoint + "queries.json")
    saved = {q["name"]: q for q in json.loads(body)}["platforms-by-city"]
    edited = saved["text"] + "\n# edited by a user\n"
    args = {"query": edited, "param.in_city": "青岛"}
    status, _, body = get(endpoint + "sparql?" + urllib.parse.urlencode(args))
    assert status == 200, body
    rows = json.loads(body)["results"]["bindings"]
    status, _, body = get(endpoint + "saved/platforms-by-city?in_city=" + urllib.parse.quote("青岛"))
    assert rows == json.loads(body)["results"]["bindings"]
    status, _, everything = get(sparql_url(endpoint, "SELECT ?p WHERE { ?p a ck:Platform }"))
    assert len(rows) < len(json.loads(everything)["results"]["bindings"])
