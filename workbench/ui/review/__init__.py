"""Pages of the administrative review.
"""
