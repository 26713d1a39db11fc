"""The claim narrative and the applicant's circumstances."""

from __future__ import annotations

import streamlit as st

from workbench.actor import Actor
from workbench.cases import CaseFile
from workbench.i18n import t
from workbench.ui.format import enum_label, fmt_date
from workbench.ui.text import md


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
    left.markdown("\n".join([
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
