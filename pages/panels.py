"""Standing panels of three refugee examination counsellors (managers): who sits on each,
who presides, how many appeals each holds; forming and changing a panel."""

from workbench.ui.appeals import render_panels_page
from workbench.ui.session import require_actor

actor = require_actor()
render_panels_page(actor)
