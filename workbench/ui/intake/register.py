"""The registration form: a new application and its applicant.

The applicant's name is kept three ways: as in the passport (Latin script, family name and
given names), as a katakana reading (``グエン・ヴァン・アン``; hiragana is accepted and kept as
katakana) and, for people who have one, in kanji. The service checks everything again; the
form only gathers it.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from models import ApplicationType, ResidenceStatus, Role, Sex, User
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t
from workbench.intake.cases import register_application
from workbench.ui.core import nav
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import enum_label
from workbench.ui.core.widgets import date_field, flash

ROUND_KEY = "rg_round"


def _office_of(actor: Actor) -> str:
    if actor.id is None:
        return ""
    with unit_of_work(get_engine(), write=False) as session:
        user = session.get(User, actor.id)
        return (user.office or "") if user else ""


def render(actor: Actor) -> None:
    st.title(t("register.heading"))
    st.caption(t("register.intro"))
    tag = st.session_state.get(ROUND_KEY, 0)
    today = clock.today()
    with st.form(f"rg_form_{tag}"):
        st.subheader(t("register.applicant"))
        c1, c2 = st.columns(2)
        family = c1.text_input(t("register.family_name"), key=f"rg_family_{tag}",
                               max_chars=120, help=t("register.family_name_help"))
        given = c2.text_input(t("register.given_names"), key=f"rg_given_{tag}",
                              max_chars=200)
        c1, c2 = st.columns(2)
        kana = c1.text_input(t("register.name_kana"), key=f"rg_kana_{tag}", max_chars=300,
                             placeholder="グエン・ヴァン・アン",
                             help=t("register.name_kana_help"))
        kanji = c2.text_input(t("register.name_kanji"), key=f"rg_kanji_{tag}", max_chars=120,
                              placeholder="王 偉", help=t("register.name_kanji_help"))
        original = st.text_input(t("register.name_original"), key=f"rg_original_{tag}",
                                 max_chars=300, help=t("register.name_original_help"))
        c1, c2, c3 = st.columns(3)
        born = date_field(t("register.date_of_birth"), key=f"rg_dob_{tag}", max_value=today,
                          required=False, container=c1)
        sex = c2.selectbox(t("register.sex"), list(Sex), index=list(Sex).index(Sex.UNKNOWN),
                           format_func=lambda s: t(f"register.sex_{s}"), key=f"rg_sex_{tag}")
        nationality = c3.text_input(t("register.nationality"), key=f"rg_nat_{tag}",
                                    max_chars=3, help=t("register.nationality_help"))
        languages = st.text_input(t("register.languages"), key=f"rg_langs_{tag}",
                                  help=t("register.languages_help"))

        st.subheader(t("register.application"))
        c1, c2, c3 = st.columns(3)
        lodged = date_field(t("register.lodged_date"), today, key=f"rg_lodged_{tag}",
                            max_value=today, container=c1)
        office = c2.text_input(t("register.office"), value=_office_of(actor),
                               key=f"rg_office_{tag}", max_chars=32)
        app_type = c3.selectbox(t("register.application_type"), list(ApplicationType),
                                format_func=lambda a: t(f"apptype.{a}"), key=f"rg_type_{tag}")
        c1, c2 = st.columns(2)
        residence = c1.selectbox(t("register.residence"), list(ResidenceStatus),
                                 format_func=lambda r: enum_label("residence", r),
                                 key=f"rg_residence_{tag}")
        number = c2.number_input(t("register.application_number"), min_value=1, max_value=99,
                                 value=1, step=1, key=f"rg_number_{tag}",
                                 help=t("register.application_number_help"))
        c1, c2, c3 = st.columns(3)
        removal = c1.checkbox(t("register.removal_procedure"), key=f"rg_removal_{tag}")
        detained = c2.checkbox(t("register.detained"), key=f"rg_detained_{tag}")
        grounds = c3.checkbox(t("register.reasonable_grounds"), key=f"rg_grounds_{tag}")
        narrative = st.text_area(t("register.narrative"), key=f"rg_narrative_{tag}",
                                 height=120)
        submitted = st.form_submit_button(t("register.submit"), type="primary",
                                          icon=":material/how_to_reg:")
    if not submitted:
        return
    if lodged is None:
        return  # the field says why
    person: dict[str, Any] = {
        "family_name": family, "given_names": given.strip(),
        "name_original": original.strip() or None, "name_kana": kana or None,
        "name_kanji": kanji or None, "date_of_birth": born, "sex": sex,
        "nationality": nationality,
        "languages": [code.strip().lower() for code in languages.replace("、", ",").split(",")
                      if code.strip()],
    }
    application: dict[str, Any] = {
        "application_type": app_type, "lodged_date": lodged, "office": office,
        "residence_status_at_filing": residence, "application_number": int(number),
        "removal_procedure": removal, "detained": detained,
        "reasonable_grounds_materials": grounds, "claim_narrative": narrative,
        "name_as_entered": f"{family.strip().upper()} {given.strip()}".strip() or None,
        "date_of_birth_as_entered": born,
    }
    if actor.role == Role.INQUIRER:
        application["assigned_inquirer_id"] = actor.id
    with shown_errors(stop=False):
        with unit_of_work(get_engine()) as session:
            created = register_application(session, actor=actor, application=application,
                                           person=person)
        st.session_state[ROUND_KEY] = tag + 1
        flash(t("register.done", number=created.case_number))
        nav.open_case_page(created.id)
