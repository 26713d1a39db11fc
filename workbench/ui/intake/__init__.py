"""Pages of intake and sorting: registration and the triage desk.
"""
