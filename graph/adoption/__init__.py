"""Adoption events: when, at what stage and driven by whom each city takes up a reform concept.

``detect`` reads one evidence sentence (stage, date, driver; cue words are data in
``ontology/schemes/stages.ttl``); ``events`` turns an ``Extraction`` into ``ck:Adoption``
quads of the document's graph; ``ledger`` reads them back from a build (first and latest
evidence per city and concept); ``panel`` writes the city-year table; ``conflicts``
finds observations that disagree.
"""
