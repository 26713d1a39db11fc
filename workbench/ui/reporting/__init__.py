"""Pages for managers: the dashboard, the forecast and the to-do list.

Imports ``ui.core``, the stages' UIs before it and every stage.
"""
