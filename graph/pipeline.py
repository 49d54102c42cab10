"""Extraction of one document: places, then entities, then observations.

``extract(doc, kb)`` is the single entry the build and ``citykg extract`` call.
The entity and metric stages live in their own modules
(``citykg.graph.extract.entities.pipeline``, ``citykg.graph.extract.metrics.observations``); this module only
orchestrates them and ties every record to the article's city.
"""

from __future__ import annotations

from citykg.graph.extract.entities.pipeline import extract_entities
from citykg.graph.extract.metrics.observations import extract_observations
from citykg.graph.extract.places import resolve_hint, resolve_places
from citykg.graph.kb import KnowledgeBase
from citykg.graph.records import Document, Extraction


def extract(doc: Document, kb: KnowledgeBase) -> Extraction:
    """Everything citykg extracts from one document, as records (no RDF yet)."""
    places = resolve_places(doc, kb)
    result = Extraction(document=doc, city=places.city, areas=places.areas, warnings=list(doc.warnings))
    if doc.city_hint and resolve_hint(kb, doc.city_hint) is None:
        result.warnings.append(
            f'{doc.file_name}: city "{doc.city_hint}" is not a known city; inferred from the text'
        )
    if places.city is None:
        result.warnings.append(f'{doc.file_name}: no city found (give it a "city" in manifest.json)')
    result.entities = extract_entities(doc, kb, places.city, places.areas)
    for e in result.entities:
        e.city = e.city or places.city
    result.observations = extract_observations(doc, kb, result.entities, places.city)
    return result
