"""NLP triage: sorting suggestions, repeat-application detection and evaluation.

Imports nothing of the project (no ``models``, ``coi`` or ``workbench``).
"""
