"""The PDF machinery every document shares: fonts, page layout, text and dates.

Imports the core only.
"""
