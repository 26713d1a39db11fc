"""Pages of the examination: interviews, assessments and decisions.

Imports ``ui.core``, ``ui.library``, ``ui.intake`` and the stages up to the examination.
"""
