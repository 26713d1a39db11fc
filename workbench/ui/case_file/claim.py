"""The claim narrative and the applicant's circumstances."""

from __future__ import annotations

import streamlit as st

from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t
from workbench.core.permissions import Action, may
from workbench.intake.case_file import CaseFile
from workbench.intake.cases import update_person
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import enum_label, fmt_date
from workbench.ui.core.text import md


def render_claim(case: CaseFile, actor: Actor) -> None:
    narrative = case.application.claim_narrative.strip()
    if not narrative:
        st.info(t("claim.empty"))
        return
    st.caption(md(f"{t('claim.language')}: {case.application.claim_language}"))
    st.markdown("\n\n".join(md(p) for p in narrative.splitlines() if p.strip()))


def _yes(value: bool) -> str:
    return t("circumstances.yes") if value else t("circumstances.no")


def render_circumstances(case: CaseFile, actor: Actor) -> None:
    app, person = case.application, case.person
    left, right = st.columns(2)
    born = fmt_date(person.date_of_birth) if person.date_of_birth else (
        str(person.birth_year) if person.birth_year else "—")
    readings = [f"- **{t(label)}:** {md(value)}" for label, value in (
        ("case.name_kana", person.name_kana), ("case.name_kanji", person.name_kanji)) if value]
    left.markdown("\n".join([
        *readings,
        f"- **{t('case.born')}:** {born}",
        f"- **{t('case.sex')}:** {md(person.sex)}",
        f"- **{t('case.nationality')}:** {md(person.nationality)}",
        f"- **{t('case.languages')}:** {md(', '.join(person.languages) or '—')}",
        f"- **{t('case.aliases')}:** {md(', '.join(person.aliases) or '—')}",
        f"- **{t('case.name_as_entered')}:** {md(app.name_as_entered or '—')}",
        f"- **{t('case.dob_as_entered')}:** {fmt_date(app.date_of_birth_as_entered)}",
    ]))
    right.markdown("\n".join([
        f"- **{t('circumstances.type')}:** {enum_label('apptype', app.application_type)}",
        f"- **{t('circumstances.status')}:** "
        f"{enum_label('residence', app.residence_status_at_filing)}",
        f"- **{t('circumstances.activities_ceased')}:** {_yes(app.activities_ceased)}",
        f"- **{t('circumstances.removal')}:** {_yes(app.removal_procedure)}",
        f"- **{t('circumstances.detained')}:** {_yes(app.detained)}",
        f"- **{t('circumstances.materials')}:** {_yes(app.reasonable_grounds_materials)}",
        f"- **{t('circumstances.suspension')}:** "
        f"{enum_label('suspension', app.removal_suspension)}",
        f"- **{t('circumstances.measure')}:** {enum_label('measure', app.residence_measure)}",
    ]))
    if may(actor, Action.CASE_EDIT):
        _readings_form(case, actor)


def _readings_form(case: CaseFile, actor: Actor) -> None:
    """Add or correct the katakana reading and the kanji name (people registered before
    the workbench kept them have neither). The service checks the right to edit the case."""
    person = case.person
    notice = f"readings_saved_{person.id}"
    if st.session_state.pop(notice, False):
        st.success(t("circumstances.readings_saved"), icon=":material/check:")
    with st.form(f"readings_{person.id}_{person.version}", border=False):
        c1, c2, c3 = st.columns([3, 2, 1], vertical_alignment="bottom")
        kana = c1.text_input(t("register.name_kana"), value=person.name_kana or "",
                             max_chars=300, help=t("register.name_kana_help"))
        kanji = c2.text_input(t("register.name_kanji"), value=person.name_kanji or "",
                              max_chars=120, help=t("register.name_kanji_help"))
        saved = c3.form_submit_button(t("circumstances.readings_save"))
    if not saved:
        return
    changes = {field: value.strip() or None for field, value, current in (
        ("name_kana", kana, person.name_kana), ("name_kanji", kanji, person.name_kanji))
        if (value.strip() or None) != current}
    if not changes:
        return
    with shown_errors(stop=False):
        with unit_of_work(get_engine()) as session:
            update_person(session, actor=actor, application_id=case.application.id,
                          expected_version=person.version, changes=changes)
        st.session_state[notice] = True
        st.rerun()
