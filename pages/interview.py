"""The interview of one case (``?case=ID``): preparation, the record taken during the
interview (answers saved as they are given), and the record as a PDF."""

from workbench.ui.case_sections.examination import case_param
from workbench.ui.interview import render_page
from workbench.ui.session import require_actor

actor = require_actor()
render_page(actor, case_param())
