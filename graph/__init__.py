"""Graph building: ingest articles, extract entities and metrics, resolve, emit RDF."""
