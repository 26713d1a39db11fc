"""Register an application: the applicant (passport name, katakana reading, kanji) and the
application; the new case file opens once it is registered."""

from workbench.ui import register
from workbench.ui.session import require_actor

actor = require_actor()
register.render(actor)
