"""Streamlit helpers shared by the pages: the signed-in session, formatting, badges."""
