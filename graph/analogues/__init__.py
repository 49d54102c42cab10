"""Cross-city policy analogues: blocking, features, scoring, selection, explanations."""
