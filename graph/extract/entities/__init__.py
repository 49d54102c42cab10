"""Entity extraction: span proposers, filters and typing of named initiatives, documents, bodies and awards."""
