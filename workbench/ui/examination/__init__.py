"""Pages of the examination: interviews, assessments and decisions.
"""
