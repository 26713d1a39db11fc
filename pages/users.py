"""Administrator: accounts — create, disable or enable, set a new password, change role."""

import streamlit as st

from models import Role
from workbench.core.auth import (
    create_user,
    list_users,
    prepare_new_user,
    prepare_password,
    reset_password,
    set_active,
    update_user,
)
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import enum_label
from workbench.ui.core.session import require_actor
from workbench.ui.core.widgets import flash, show_flash

actor = require_actor()
st.title(t("users.heading"))
show_flash()

with shown_errors():
    with unit_of_work(get_engine(), write=False) as session:
        users = list_users(session, actor=actor)

st.dataframe([{
    t("users.username"): u.username, t("users.display_name"): u.display_name,
    t("users.role"): enum_label("role", u.role), t("users.office"): u.office or "—",
    t("users.active"): "✓" if u.is_active else "✗",
} for u in users], hide_index=True, width="stretch", key="users_table")


#: The forms keep what was typed when the service refuses it (only the wrong field needs
#: fixing) and start empty again once the change is made.
_FORM_KEYS = ("wb_new_username", "wb_new_display_name", "wb_new_role", "wb_new_office",
              "wb_new_expertise", "wb_new_password", "wb_reset_password")


def _done(message: str) -> None:
    flash(message)
    for key in [k for k in st.session_state if str(k).startswith("wb_user_version_")
                or k in _FORM_KEYS]:
        del st.session_state[key]  # the next form starts from the account as it now is
    st.rerun()


left, right = st.columns(2)
with left, st.form("create_user", clear_on_submit=False):
    st.subheader(t("users.create"))
    username = st.text_input(t("users.username"), max_chars=64, key="wb_new_username")
    display_name = st.text_input(t("users.display_name"), max_chars=120,
                                 key="wb_new_display_name")
    role = st.selectbox(t("users.role"), list(Role), format_func=lambda r: enum_label("role", r),
                        key="wb_new_role")
    office = st.text_input(t("users.office"), max_chars=32, key="wb_new_office")
    expertise = st.text_input(t("users.expertise"), max_chars=64, key="wb_new_expertise")
    password = st.text_input(t("users.password"), type="password", key="wb_new_password")
    if st.form_submit_button(t("users.submit_create"), type="primary"):
        with shown_errors(stop=False):
            new_user = prepare_new_user({  # policy and hash before the transaction
                "username": username, "display_name": display_name, "role": role,
                "office": office or None, "expertise": expertise or None,
                "password": password})
            with unit_of_work(get_engine()) as session:
                created = create_user(session, actor=actor, data=new_user)
            _done(t("users.created", username=created.username))

with right:
    st.subheader(t("users.manage"))
    target = st.selectbox(t("users.pick"), users, index=None,
                          format_func=lambda u: f"{u.username} — {u.display_name}",
                          key="users_pick")
    if target is not None:
        toggle = t("users.disable") if target.is_active else t("users.enable")
        if st.button(toggle, key="users_toggle"):
            with shown_errors(stop=False):
                with unit_of_work(get_engine()) as session:
                    set_active(session, actor=actor, username=target.username,
                               active=not target.is_active)
                key = "users.disabled_done" if target.is_active else "users.enabled_done"
                _done(t(key, username=target.username))
        with st.form("reset_password", clear_on_submit=False):
            new_password = st.text_input(t("users.new_password"), type="password",
                                         key="wb_reset_password")
            if st.form_submit_button(t("users.submit_reset")):
                with shown_errors(stop=False):
                    prepared = prepare_password(new_password, username=target.username,
                                                display_name=target.display_name)
                    with unit_of_work(get_engine()) as session:
                        reset_password(session, actor=actor, user_id=target.id,
                                       new_password=prepared)
                    _done(t("users.reset_done", username=target.username))
        version_key = f"wb_user_version_{target.id}"
        loaded_version = st.session_state.setdefault(version_key, target.version)
        with st.form("change_role"):
            new_role = st.selectbox(t("users.change_role"), list(Role),
                                    index=list(Role).index(Role(target.role)),
                                    format_func=lambda r: enum_label("role", r))
            if st.form_submit_button(t("users.submit_role")):
                with shown_errors(stop=False):
                    with unit_of_work(get_engine()) as session:
                        update_user(session, actor=actor, user_id=target.id,
                                    expected_version=loaded_version, changes={"role": new_role})
                    _done(t("users.role_done", username=target.username,
                            role=enum_label("role", new_role)))
