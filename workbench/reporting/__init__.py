"""Reporting for managers: processing times, the dashboard, each role's to-do list and
the forecasts.

Imports every earlier stage; nothing imports it but the UI, the CLI and the demo.
"""
