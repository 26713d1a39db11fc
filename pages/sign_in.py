"""Sign-in page: the built-in accounts, and the office's identity provider where one is set."""

import streamlit as st

from workbench.core.errors import AuthenticationFailed
from workbench.core.i18n import t
from workbench.core.settings import get_settings
from workbench.ui.core import language
from workbench.ui.core.session import NOTICE_KEY, sign_in, sign_in_with_provider
from workbench.ui.core.text import md

with st.sidebar:
    language.switch(None)
st.title(t("sign_in.heading"))
notice = st.session_state.pop(NOTICE_KEY, None)
if notice:
    st.info(md(notice))
settings = get_settings()
if settings.oidc_enabled:
    if st.button(t("sign_in.oidc", label=settings.oidc_label), type="primary"):
        sign_in_with_provider()
    st.caption(t("sign_in.oidc_or_account"))
with st.form("sign_in"):
    username = st.text_input(t("sign_in.username"))
    password = st.text_input(t("sign_in.password"), type="password")
    submitted = st.form_submit_button(t("sign_in.submit"), type="primary")
if submitted:
    try:
        sign_in(username, password)
    except AuthenticationFailed as exc:
        st.error(md(str(exc)))
    else:
        st.rerun()
