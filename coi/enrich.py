"""Work done on an extracted document before it reaches the database: topic tags and the
search token form of every passage, and metadata recognised from the text (title, date,
countries, language, type).

It runs inside the extraction worker (``coi.sandbox``), so during bulk ingestion it uses
every core. The recognised metadata travels as plain JSON values under
``metadata["recognised"]``.
"""

from __future__ import annotations

from dataclasses import replace

from coi.extracted import ExtractedDocument


def enrich(document: ExtractedDocument) -> ExtractedDocument:
    """Return ``document`` with passage topics and recognised metadata filled in."""
    from coi.cjk import index_form
    from coi.recognise import recognise
    from coi.topics import tag_passages

    found = recognise(document)
    recognised = {
        "title": found.title,
        "published": found.published.isoformat() if found.published else None,
        "countries": list(found.countries),
        "primary_country": found.primary_country,
        "language": found.language,
        "doc_type": found.doc_type,
        "reasons": dict(found.reasons),
    }
    passages = [replace(p, index_text=index_form(p.text, stems=found.language == "en"))
                for p in tag_passages(document.passages)]
    return replace(document, passages=passages,
                   metadata={**document.metadata, "recognised": recognised})
