"""The core every stage uses: settings, the database and its unit of work, the audit
log, accounts, sign-in and sessions, permissions, the clock and dates, the workflow's
state machine, errors, translations and the PDF machinery shared by the documents.

Imports the models only; nothing of the stages or the UI.
"""
