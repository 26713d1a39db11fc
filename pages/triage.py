"""Triage: unsorted cases with their sorting suggestions and grounds, confirmation or
override by a person, the managers' quality check and the Category A list (administrators)."""

from workbench.ui.core.session import require_actor
from workbench.ui.intake.triage import render_page

actor = require_actor()
render_page(actor)
