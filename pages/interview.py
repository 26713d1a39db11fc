"""The interview of one case (``?case=ID``): preparation, the record taken during the
interview (answers saved as they are given), and the record as a PDF."""

from workbench.ui.core.session import require_actor
from workbench.ui.examination.interview import render_page
from workbench.ui.examination.shared import case_param

actor = require_actor()
render_page(actor, case_param())
