"""PDFs of the review: the notice of a ruling.

Imports the core's PDF machinery.
"""
