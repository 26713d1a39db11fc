"""The counsellors' opinions, each editable by its author until submitted (once the oral
opinion statement was held or skipped), and the panel's opinion, recorded by the presiding
counsellor: the majority decides, and a dissent is kept in its own words.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlmodel import Session

from models import (
    Appeal,
    Application,
    CaseState,
    CoiCitation,
    CounsellorOpinion,
    PanelMember,
    PanelOpinion,
)
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import PermissionDenied, ValidationError
from workbench.core.i18n import t
from workbench.core.permissions import Action, require
from workbench.core.versioning import bump, stale_edit
from workbench.core.workflow import transition
from workbench.review.appeals import OpinionView, PanelOpinionView, _appeal, _panel_member


def _my_opinion(session: Session, actor: Actor, appeal_id: int, what: str
                ) -> tuple[Appeal, Application, CounsellorOpinion | None]:
    require(actor, Action.APPEAL_OPINION, entity_type="appeal", entity_id=appeal_id,
            attempted=f"opinion.{what}")
    row, app = _appeal(session, actor, Action.CASE_OPEN, appeal_id)
    if _panel_member(session, actor, row) is None:
        raise audit.refuse(PermissionDenied(t("errors.reviews.counsellors_appeal_s_panel")),
                           actor=actor,
                           action=f"opinion.{what}", entity_type="application",
                           entity_id=app.id)
    mine = session.execute(select(CounsellorOpinion).where(
        CounsellorOpinion.appeal_id == row.id,
        CounsellorOpinion.counsellor_id == actor.id)).scalar_one_or_none()
    return row, app, mine


def save_opinion(session: Session, *, actor: Actor, appeal_id: int,
                 well_founded: bool | None, reasons: str, citation_ids: Sequence[int] = (),
                 expected_version: int | None = None) -> OpinionView:
    """Write or change one's own opinion (until it is submitted)."""
    row, app, mine = _my_opinion(session, actor, appeal_id, "save")
    if CaseState(app.state) not in (CaseState.PANEL_ASSIGNED, CaseState.HEARING_HELD,
                                    CaseState.HEARING_SKIPPED):
        raise ValidationError(t("errors.reviews.opinions_written_while_panel"))
    if mine is not None and mine.submitted_at is not None:
        raise audit.refuse(ValidationError(t("errors.reviews.opinion_been_submitted_no")),
                           actor=actor, action="opinion.save",
                           entity_type="application", entity_id=app.id, outcome="refused")
    available = {c for c in session.execute(select(CoiCitation.id).where(
        CoiCitation.application_id == app.id, CoiCitation.removed_at.is_(None))).scalars()}
    chosen = list(dict.fromkeys(int(c) for c in citation_ids))
    if any(c not in available for c in chosen):
        raise ValidationError(t("errors.reviews.passages_cited_case_support"))
    if mine is None:
        mine = CounsellorOpinion(appeal_id=row.id, counsellor_id=actor.id,
                                 well_founded=well_founded, reasons=(reasons or "").strip(),
                                 citation_ids=chosen, updated_by_id=actor.id)
    else:
        if expected_version is not None and mine.version != expected_version:
            raise audit.refuse(stale_edit(session, "opinion", mine, expected_version, {}),
                               actor=actor, action="opinion.save", entity_type="application",
                               entity_id=app.id, outcome="refused")
        mine.well_founded, mine.reasons = well_founded, (reasons or "").strip()
        mine.citation_ids = chosen
        bump(mine, actor)
    session.add(mine)
    session.flush()
    audit.record(session, actor=actor, action="opinion.save", entity_type="application",
                 entity_id=app.id, details={"appeal": row.id})
    return OpinionView(mine.id, actor.id, actor.display_name, mine.well_founded, mine.reasons,
                       tuple(mine.citation_ids), mine.submitted_at, mine.version)


def submit_opinion(session: Session, *, actor: Actor, appeal_id: int,
                   expected_version: int | None = None) -> OpinionView:
    """Submit one's opinion: it must say whether the request is well founded, with reasons,
    and the oral opinion statement must have been held or skipped."""
    row, app, mine = _my_opinion(session, actor, appeal_id, "submit")
    if mine is None:
        raise ValidationError(t("errors.reviews.write_opinion_before_submitting"))
    if mine.submitted_at is not None:
        raise ValidationError(t("errors.reviews.opinion_already_been_submitted"))
    if expected_version is not None and mine.version != expected_version:
        raise audit.refuse(stale_edit(session, "opinion", mine, expected_version, {}),
                           actor=actor, action="opinion.submit", entity_type="application",
                           entity_id=app.id, outcome="refused")
    if CaseState(app.state) not in (CaseState.HEARING_HELD, CaseState.HEARING_SKIPPED):
        raise ValidationError(t("errors.reviews.opinions_submitted_after_oral"))
    if mine.well_founded is None or not mine.reasons:
        raise ValidationError(t("errors.reviews.say_whether_request_well"))
    mine.submitted_at = clock.now_utc()
    bump(mine, actor)
    session.add(mine)
    session.flush()
    audit.record(session, actor=actor, action="opinion.submit", entity_type="application",
                 entity_id=app.id, details={"appeal": row.id})
    return OpinionView(mine.id, actor.id, actor.display_name, mine.well_founded, mine.reasons,
                       tuple(mine.citation_ids), mine.submitted_at, mine.version)


def record_panel_opinion(session: Session, *, actor: Actor, appeal_id: int, summary: str,
                         dissent: str = "", expected_case_version: int | None = None
                         ) -> PanelOpinionView:
    """The presiding counsellor records the panel's opinion once all three have submitted
    theirs: the majority decides, and a dissent is kept in its own words."""
    require(actor, Action.APPEAL_OPINION, entity_type="appeal", entity_id=appeal_id,
            attempted="panel_opinion.record")
    row, app = _appeal(session, actor, Action.CASE_TRANSITION, appeal_id)
    member = _panel_member(session, actor, row)
    if member is None or not member.presiding:
        raise audit.refuse(PermissionDenied(
            t("errors.reviews.presiding_counsellor_records_panel")), actor=actor,
                           action="panel_opinion.record", entity_type="application",
                           entity_id=app.id)
    opinions = list(session.execute(select(CounsellorOpinion).where(
        CounsellorOpinion.appeal_id == row.id,
        CounsellorOpinion.submitted_at.is_not(None))).scalars())
    members = {m.user_id for m in session.execute(select(PanelMember).where(
        PanelMember.panel_id == row.panel_id)).scalars()}
    if {o.counsellor_id for o in opinions} != members:
        raise ValidationError(t("errors.reviews.opinions_been_submitted_panel",
                                count=len(opinions)))
    if not (summary or "").strip():
        raise ValidationError(t("errors.reviews.summarise_panel_s_opinion"))
    votes = [bool(o.well_founded) for o in opinions]
    well_founded = votes.count(True) >= 2
    unanimous = len(set(votes)) == 1
    dissent = (dissent or "").strip()
    if not unanimous and not dissent:
        raise ValidationError(t("errors.reviews.panel_divided_record_dissenting"))
    if unanimous and dissent:
        raise ValidationError(t("errors.reviews.panel_unanimous_no_dissent"))
    transition(session, actor=actor, application_id=app.id, action="submit_panel_opinion",
               expected_version=expected_case_version)
    panel_op = PanelOpinion(appeal_id=row.id, well_founded=well_founded, unanimous=unanimous,
                            summary=summary.strip(), dissent=dissent or None,
                            recorded_by_id=actor.id)
    session.add(panel_op)
    session.flush()
    audit.record(session, actor=actor, action="panel_opinion.record", entity_type="application",
                 entity_id=app.id, details={"appeal": row.id, "well_founded": well_founded,
                                            "unanimous": unanimous})
    return PanelOpinionView(well_founded, unanimous, panel_op.summary, panel_op.dissent,
                            actor.display_name, panel_op.recorded_at)


__all__ = [
    "record_panel_opinion",
    "save_opinion",
    "submit_opinion",
]
