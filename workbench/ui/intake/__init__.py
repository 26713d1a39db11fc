"""Pages of intake and sorting: registration and the triage desk.

Imports ``ui.core``, ``ui.library`` and the stages up to intake.
"""
