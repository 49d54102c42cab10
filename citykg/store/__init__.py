"""The query stores: the embedded Oxigraph store, remote endpoints, saved queries, loading."""
