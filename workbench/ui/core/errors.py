"""Showing service errors on a page as plain messages."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from workbench.core.errors import WorkbenchError
from workbench.core.i18n import t
from workbench.ui.core.text import md

log = logging.getLogger("workbench.ui")


@contextmanager
def shown_errors(stop: bool = True) -> Iterator[None]:
    """Show a domain error as a message, literally since it may quote what a user typed
    (and stop the page unless ``stop`` is False); log anything unexpected under a reference
    number without personal data, and say so. Streamlit's own stop and rerun signals are
    BaseExceptions and pass through."""
    try:
        yield
    except WorkbenchError as exc:
        st.error(md(str(exc)))
        if stop:
            st.stop()
    except Exception as exc:  # noqa: BLE001
        ref = uuid.uuid4().hex[:8]
        log.error("unexpected error %s: %s", ref, type(exc).__name__)
        st.error(t("app.error", ref=ref))
        if stop:
            st.stop()
