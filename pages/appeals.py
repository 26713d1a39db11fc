"""Appeals: for a manager the queue of requests for review with its counts and the panels'
workloads; for a counsellor the appeals of their panels."""

from workbench.ui.appeals import render_appeals_page
from workbench.ui.session import require_actor

actor = require_actor()
render_appeals_page(actor)
