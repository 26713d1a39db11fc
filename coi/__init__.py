"""Country-of-origin information: ingestion, passages, search and citations.

Imports ``models`` only; never ``workbench`` or ``streamlit``.
"""
