"""Extraction stages, one sub-package each: places, entities, metrics."""
