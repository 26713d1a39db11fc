"""Register an application: the applicant (passport name, katakana reading, kanji) and the
application; the new case file opens once it is registered."""

from workbench.ui.core.session import require_actor
from workbench.ui.intake import register

actor = require_actor()
register.render(actor)
