"""The language a case document is downloaded in: a small choice beside its download button.

A document's language is not necessarily the reader's: the notice of decision defaults to
Japanese (the office's official language), the interview record to the language it was taken
in, the preparation sheet to the language the reader uses the workbench in. The reader may
still take the other one.
"""

from __future__ import annotations

import streamlit as st

from workbench.core.i18n import LANGUAGE_NAMES, t


def document_language(key: str, default: str) -> str:
    """``ja`` or ``en``, as chosen beside a download button (``default`` until changed)."""
    options = list(LANGUAGE_NAMES)
    default = default if default in options else options[0]
    chosen = st.segmented_control(
        t("pdf.download.language"), options, default=default, key=key,
        format_func=lambda code: LANGUAGE_NAMES[code], label_visibility="collapsed",
        help=t("pdf.download.language"))
    return chosen or default


def file_name(stem: str, language: str) -> str:
    """``notice-R-2025-000123-D1-ja.pdf``: the language in the name, so that both versions
    can sit in one folder."""
    return f"{stem}-{language}.pdf"
