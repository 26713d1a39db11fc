"""One appeal (``?appeal=ID``): the file the panel decides on, the panel and its allocation,
the oral opinion statement, the counsellors' opinions and the panel's, and the ruling."""

from workbench.ui.core.session import require_actor
from workbench.ui.review.appeal import render_appeal_page

actor = require_actor()
render_appeal_page(actor)
