"""Sign-out page: ends the session everywhere at once."""

import streamlit as st

from workbench.core.i18n import t
from workbench.ui.core.session import NOTICE_KEY, sign_out

sign_out()
st.session_state[NOTICE_KEY] = t("sign_in.signed_out")
st.rerun()
