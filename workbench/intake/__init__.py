"""Intake and sorting: cases and their registration, the triage desk (suggestions,
confirmations, overrides, identity links) and the triage commands.

Imports the core, the library and ``triage``.
"""
