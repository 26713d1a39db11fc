"""Streamlit helpers shared by the pages: the signed-in session, formatting, badges.

Imports any stage; only the app and ``pages/`` import it.
"""
