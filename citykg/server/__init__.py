"""The read-only SPARQL 1.1 Protocol endpoint (``citykg serve``) and its page."""
