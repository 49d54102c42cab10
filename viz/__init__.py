"""Self-contained HTML views of the graph (pyvis / vis-network, inlined, offline)."""
