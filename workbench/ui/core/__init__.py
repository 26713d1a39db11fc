"""What every page shares: the signed-in session, navigation, widgets, escaping of
untrusted text, error display, formats and the language switch.

Imports the core only.
"""
