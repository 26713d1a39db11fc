"""The credibility and eligibility assessment of one case (``?case=ID``): material facts
rated and found, the eligibility elements in order, the proposal and the chosen outcome."""

from workbench.ui.assessment import render_page
from workbench.ui.case_sections.examination import case_param
from workbench.ui.session import require_actor

actor = require_actor()
render_page(actor, case_param())
