"""What the interview page's views share: the keys of its widgets (tests and the keyboard script
find the answers by them), the session-state slots of the answers' loaded versions, save
statuses and open sections, whether the page offers writing, and a PDF made on download."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from models import CaseState, Role
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.examination.interviews import InterviewView
from workbench.ui.core.text import md

log = logging.getLogger("workbench.ui")

_LOADED = "wb_iv_loaded"  # "<case>:<question>" -> the answer's version the widget shows
_STATUS = "wb_iv_status"  # "<case>:<question>" -> {"ok", "text", "stale"}
_OPENED = "wb_iv_opened"  # "<case>:<section>" -> whether its expander is open
_EARLIEST = date(1900, 1, 1)


def widget_key(case_id: int, question_id: str) -> str:
    """The answer widget's key (dots are not welcome in the CSS class a key becomes)."""
    return f"iv_q_{case_id}_{question_id.replace('.', '__')}"


def section_key(case_id: int, section_id: str) -> str:
    return f"iv_sec_{case_id}_{section_id}"


def progress_key(case_id: int) -> str:
    """The bar at the top of the record with the count of required questions left."""
    return f"iv_progress_{case_id}"


def tabs_key(case_id: int) -> str:
    return f"iv_tabs_{case_id}"


def record_language_key(case_id: int) -> str:
    """The choice of the record's language before the interview starts."""
    return f"iv_lang_{case_id}"


def _may_write(actor: Actor, view: InterviewView) -> bool:
    """Whether the page offers writing at all (the service decides each write)."""
    return actor.role == Role.INQUIRER and view.state == CaseState.UNDER_EXAMINATION


def _pdf(make: Callable[[Any], bytes]) -> Callable[[], bytes]:
    """A download's contents, made (and audited) only when the button is clicked."""
    def produce() -> bytes:
        with unit_of_work(get_engine()) as session:
            return make(session)
    return produce


def _md(text: str) -> str:
    return md(text)
