"""Administrative review: the appeal as read (appeals), filing, panels, allocation, the lists
of appeals (queues), hearings, opinions, rulings and the notice of a ruling.

Imports the core, the library, intake and examination.
"""
