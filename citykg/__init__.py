"""citykg: a knowledge graph of Chinese smart-city and digital-government initiatives."""

__version__ = "0.1.0"
