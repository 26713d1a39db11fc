"""PDFs of the examination: the interview record, the notice of decision and the
interview preparation sheet.

Imports the core's PDF machinery.
"""
