"""Checks of a build: SHACL, OWL consistency (HermiT) and the quality-check queries."""
