"""Pages for managers: the dashboard, the forecast and the to-do list.
"""
