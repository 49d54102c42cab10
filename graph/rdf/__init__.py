"""RDF emission: records -> quads of each document graph, and writing the TriG."""
