"""Appeals: for a manager the queue of requests for review with its counts and the panels'
workloads; for a counsellor the appeals of their panels."""

from workbench.ui.core.session import require_actor
from workbench.ui.review.appeals import render_appeals_page

actor = require_actor()
render_appeals_page(actor)
