"""The primary decision of one case (``?case=ID``): the draft and its reasons, approval by
another person, the notice served, and the decisions that came before."""

from workbench.ui.core.session import require_actor
from workbench.ui.examination.decision import render_page
from workbench.ui.examination.shared import case_param

actor = require_actor()
render_page(actor, case_param())
