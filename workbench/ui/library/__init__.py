"""Pages of the COI library.
"""
