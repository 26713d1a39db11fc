"""The credibility and eligibility assessment of one case (``?case=ID``): material facts
rated and found, the eligibility elements in order, the proposal and the chosen outcome."""

from workbench.ui.core.session import require_actor
from workbench.ui.examination.assessment import render_page
from workbench.ui.examination.shared import case_param

actor = require_actor()
render_page(actor, case_param())
