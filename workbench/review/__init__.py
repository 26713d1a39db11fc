"""Administrative review: appeals, panels, hearings, opinions, rulings and the notice of
a ruling.

Imports the core, the library, intake and examination.
"""
