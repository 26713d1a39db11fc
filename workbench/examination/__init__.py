"""The first-instance examination: preparation, the question bank, interviews,
assessments, eligibility, decisions and their documents.

Imports the core, the library and intake.
"""
