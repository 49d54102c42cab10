"""Metric extraction: numerals, quantities, indicators -> ``Observation`` records."""
