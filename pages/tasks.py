"""To do: what the signed-in user has to do next, each case opening where the work is done."""

from workbench.ui.core.session import require_actor
from workbench.ui.reporting.tasks import render_page

actor = require_actor()
render_page(actor)
