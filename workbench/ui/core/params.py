"""Record ids from the page address (``?case=``, ``?appeal=``, ``?doc=``, ``?passage=``)."""

from __future__ import annotations

import streamlit as st

from workbench.core.i18n import t
from workbench.core.ids import is_number, parse_id


def id_param(name: str) -> int | None:
    """The id in the address parameter ``name``; ``None`` when the address gives none (or
    something other than a number). A number no record can have (beyond what the id
    columns hold) is answered "not found" here and the page stops."""
    raw = st.query_params.get(name)
    if not is_number(raw):
        return None
    value = parse_id(raw)
    if value is None:
        st.error(t("app.not_found"))
        st.stop()
    return value
