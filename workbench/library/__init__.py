"""The country-of-origin information library as the workbench offers it: ingestion,
search, citations and suggestions over the ``coi`` package.

Imports the core and ``coi``.
"""
