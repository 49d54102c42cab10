"""Extraction of one document: places, then entities, then observations.

``extract(doc, kb)`` is the single entry the build and ``citykg extract`` call; it runs
the extractor backend selected by name (``graph.registry``; ``rules`` is the default and,
for now, the only one). The entity and metric stages live in their own modules
(``citykg.graph.extract.entities.pipeline``, ``citykg.graph.extract.metrics.observations``);
this module only orchestrates them and ties every record to the article's city.
"""

from __future__ import annotations

from citykg.graph.extract.entities.pipeline import Trace, extract_entities
from citykg.graph.extract.metrics.observations import extract_observations
from citykg.graph.extract.places import resolve_hint, resolve_places
from citykg.graph.kb import KnowledgeBase
from citykg.graph.records import Document, Extraction
from citykg.graph.registry import extractor, get_extractor, selected_extractor

#: version of the rules backend: bump when its output changes for the same text and data
RULES_VERSION = "2"


def extract(doc: Document, kb: KnowledgeBase, extractor_name: str | None = None,
            trace: Trace | None = None) -> Extraction:  # fmt: skip
    """Everything citykg extracts from one document, as records (no RDF yet).

    ``extractor_name`` selects the backend (default: ``registry.selected_extractor()``; an
    unknown name raises ``RegistryError`` listing the valid ones); ``trace`` collects the entity
    candidates and why each was dropped.
    """
    backend = get_extractor(extractor_name) if extractor_name else selected_extractor()
    return backend.func(doc, kb, trace=trace)


@extractor("rules", RULES_VERSION, "rules over jieba tokens, the word lists of graph/lang and the schemes")
def extract_rules(doc: Document, kb: KnowledgeBase, trace: Trace | None = None) -> Extraction:
    """The rules backend: places, then entities, then observations."""
    places = resolve_places(doc, kb)
    result = Extraction(document=doc, city=places.city, areas=places.areas, warnings=list(doc.warnings))
    if doc.city_hint and resolve_hint(kb, doc.city_hint) is None:
        result.warnings.append(
            f'{doc.file_name}: city "{doc.city_hint}" is not a known city; inferred from the text'
        )
    if places.city is None:
        result.warnings.append(f'{doc.file_name}: no city found (give it a "city" in manifest.json)')
    result.entities = extract_entities(doc, kb, places.city, places.areas, trace=trace)
    for e in result.entities:
        e.city = e.city or places.city
    result.observations = extract_observations(doc, kb, result.entities, places.city)
    return result
