"""Standing panels of three refugee examination counsellors (managers): who sits on each,
who presides, how many appeals each holds; forming and changing a panel."""

from workbench.ui.core.session import require_actor
from workbench.ui.review.panels import render_panels_page

actor = require_actor()
render_panels_page(actor)
