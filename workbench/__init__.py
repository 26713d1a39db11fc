"""The protection workbench: one package per stage of the procedure (core, library, intake,
examination, review, reporting), then the demo, the command line and the UI; see the
README's layout section.
"""

__version__ = "0.1.0"
