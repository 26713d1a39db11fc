"""Sign-in page."""

import streamlit as st

from workbench.errors import AuthenticationFailed
from workbench.i18n import t
from workbench.ui.session import NOTICE_KEY, sign_in

st.title(t("sign_in.heading"))
notice = st.session_state.pop(NOTICE_KEY, None)
if notice:
    st.info(notice)
with st.form("sign_in"):
    username = st.text_input(t("sign_in.username"))
    password = st.text_input(t("sign_in.password"), type="password")
    submitted = st.form_submit_button(t("sign_in.submit"), type="primary")
if submitted:
    try:
        sign_in(username, password)
    except AuthenticationFailed as exc:
        st.error(str(exc))
    else:
        st.rerun()
