"""Generators of committed data files (not part of a build)."""
