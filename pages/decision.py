"""The primary decision of one case (``?case=ID``): the draft and its reasons, approval by
another person, the notice served, and the decisions that came before."""

from workbench.ui.case_sections.examination import case_param
from workbench.ui.decision import render_page
from workbench.ui.session import require_actor

actor = require_actor()
render_page(actor, case_param())
