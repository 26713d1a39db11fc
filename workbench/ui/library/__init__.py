"""Pages of the COI library: the search, upload, metadata-to-review and source-registry tabs
and one document's page, with what they share (labels and safe text in ``shared``, citing
into a case and result cards in ``citing``), which the case file, examination and review
pages use too.

Imports ``ui.core`` and the library.
"""
