"""Country-of-origin information: ingestion, passages, search and citations."""
