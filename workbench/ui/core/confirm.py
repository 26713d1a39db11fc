"""Confirmation before a step that cannot be undone (submitting an opinion, recording the
notice as served, closing the interview record, recording the ruling): inside the step's form,
what cannot be undone and a tick that the user understands it. Without the tick the step is
not taken and the form says so."""

from __future__ import annotations

import streamlit as st

from workbench.core.i18n import t


def irreversible(consequence: str, key: str) -> bool:
    """Inside a form: ``consequence`` (what cannot be undone) and the tick; whether ticked."""
    st.warning(consequence, icon=":material/lock:")
    return st.checkbox(t("confirm.understood"), key=key)


def not_confirmed() -> None:
    """The step was asked for without the tick: nothing was done."""
    st.error(t("confirm.missing"), icon=":material/block:")


__all__ = ["irreversible", "not_confirmed"]
