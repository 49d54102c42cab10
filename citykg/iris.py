"""citykg's namespace and named-graph IRIs as plain strings, importable without rdflib.

The query path (``citykg query NAME``, the store, the saved-query catalogue) needs
only these strings; :mod:`citykg.namespaces` builds the rdflib terms (``CK``,
``CKR``...) from the same values, so importing this module keeps the CLI's start
free of rdflib (issue 15: ``citykg query`` as a process under 0.4 s).

>>> PREFIXES["ck"] == CK_IRI and SPARQL_PREFIXES.startswith("PREFIX ck: <https://w3id.org/citykg/ontology#>")
True
"""

from __future__ import annotations

CK_IRI = "https://w3id.org/citykg/ontology#"
CKR_IRI = "https://w3id.org/citykg/resource/"

#: The prefixes every saved query may use (and the store declares), in this order.
PREFIXES = {
    "ck": CK_IRI,
    "ckr": CKR_IRI,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
}

SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())

GRAPH_SUMMARIES_IRI = CKR_IRI + "graph/summaries"
SCHEME_REFORMS_IRI = CKR_IRI + "scheme/reforms"
SCHEME_DOMAINS_IRI = CKR_IRI + "scheme/domains"
SCHEME_INDICATORS_IRI = CKR_IRI + "scheme/indicators"
