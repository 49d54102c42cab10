"""Ingest: article files -> normalised ``Document`` records (decoding, cleaning, sentences)."""
