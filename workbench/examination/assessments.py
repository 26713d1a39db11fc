"""The credibility and eligibility assessment of a case.

Material facts are listed and each is rated on the credibility indicators of UNHCR's "Beyond
Proof" (sufficiency of detail, internal consistency, consistency with witnesses, external
consistency with country information — which needs at least one cited passage —, and
plausibility), then accepted, rejected or given the benefit of the doubt, with a reason.
The eligibility elements follow in order;
``workbench.examination.eligibility.propose_outcome`` says what outcome follows from them,
and the inquirer chooses, giving a reason when departing from the proposal. Humanitarian
permission to stay is considered separately.

The assigned inquirer writes the assessment while the case is under examination; managers
read it and edit no findings. Every write is audited in its own transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from models import (
    Application,
    Assessment,
    CaseState,
    CoiCitation,
    CredibilityIndicator,
    CredibilityRating,
    Element,
    ElementAssessment,
    ElementFinding,
    FactFinding,
    IndicatorRating,
    MaterialFact,
    PrimaryOutcome,
)
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import NotFound, ValidationError
from workbench.core.i18n import t, tn
from workbench.core.permissions import Action, is_assigned_inquirer, require_assigned_inquirer
from workbench.core.versioning import bump, stale_edit
from workbench.examination.eligibility import ELEMENT_ORDER, Proposal, propose_outcome
from workbench.intake.cases import load_case

GROUNDS = ("race", "religion", "nationality", "particular_social_group", "political_opinion",
           "imputed_political_opinion")
#: Outcomes an assessment may choose (withdrawal and revocation are not findings).
CHOOSABLE = (PrimaryOutcome.RECOGNISED_REFUGEE, PrimaryOutcome.RECOGNISED_CP,
             PrimaryOutcome.NOT_RECOGNISED)


# --- read models ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingView:
    indicator: str
    rating: str
    reason: str
    citation_ids: tuple[int, ...]


@dataclass(frozen=True)
class FactView:
    id: int
    position: int
    statement: str
    finding: str | None
    finding_reason: str | None
    ratings: dict[str, RatingView]
    version: int


@dataclass(frozen=True)
class ElementView:
    element: str
    finding: str | None
    reason: str
    grounds: tuple[str, ...]
    version: int


@dataclass(frozen=True)
class CitationOption:
    id: int
    reference: str
    quote: str


@dataclass(frozen=True)
class AssessmentView:
    application_id: int
    case_number: str
    application_type: str
    editable: bool
    assessment_id: int | None
    version: int
    facts: tuple[FactView, ...]
    elements: dict[str, ElementView]
    proposal: Proposal
    chosen_outcome: str | None
    departure_reason: str | None
    humanitarian_considered: bool
    humanitarian_permission: bool
    humanitarian_reason: str | None
    citations: tuple[CitationOption, ...]
    updated_at: datetime | None

    @property
    def unrated_facts(self) -> list[FactView]:
        return [f for f in self.facts if f.finding is None]

    @property
    def complete(self) -> bool:
        """Facts found, the outcome chosen and the proposal reached."""
        return (bool(self.facts) and not self.unrated_facts and self.chosen_outcome is not None
                and self.proposal.outcome is not None)


# --- access -----------------------------------------------------------------------------------



def _writable(session: Session, actor: Actor, application_id: int, what: str
              ) -> tuple[Application, Assessment]:
    app = load_case(session, actor, Action.CASE_EDIT, application_id)
    require_assigned_inquirer(actor, app, attempted=f"assessment.{what}",
                              does="findings")
    if CaseState(app.state) != CaseState.UNDER_EXAMINATION:
        raise audit.refuse(ValidationError(
            t("errors.assessments.findings_recorded_while_case")),
            actor=actor, action=f"assessment.{what}", entity_type="application",
            entity_id=app.id, outcome="refused")
    row = _assessment(session, app.id)
    if row is None:
        row = Assessment(application_id=app.id, updated_by_id=actor.id)
        session.add(row)
        session.flush()
    return app, row


def _assessment(session: Session, application_id: int) -> Assessment | None:
    return session.execute(select(Assessment).where(
        Assessment.application_id == application_id)).scalar_one_or_none()



def _case_citations(session: Session, application_id: int) -> dict[int, CoiCitation]:
    return {c.id: c for c in session.execute(select(CoiCitation).where(
        CoiCitation.application_id == application_id, CoiCitation.removed_at.is_(None))
        .order_by(CoiCitation.id)).scalars()}


# --- reading ----------------------------------------------------------------------------------


def assessment(session: Session, *, actor: Actor, application_id: int) -> AssessmentView:
    app = load_case(session, actor, Action.CASE_OPEN, application_id)
    row = _assessment(session, app.id)
    facts: list[MaterialFact] = []
    ratings: dict[int, list[CredibilityRating]] = {}
    elements: list[ElementAssessment] = []
    if row is not None:
        facts = list(session.execute(select(MaterialFact).where(
            MaterialFact.assessment_id == row.id, MaterialFact.deleted.is_(False))
            .order_by(MaterialFact.position, MaterialFact.id)).scalars())
        if facts:
            for r in session.execute(select(CredibilityRating).where(
                    CredibilityRating.fact_id.in_([f.id for f in facts]))).scalars():
                ratings.setdefault(r.fact_id, []).append(r)
        elements = list(session.execute(select(ElementAssessment).where(
            ElementAssessment.assessment_id == row.id)).scalars())
    element_views = {e.element: ElementView(e.element, e.finding, e.reason, tuple(e.grounds),
                                            e.version) for e in elements}
    proposal = propose_outcome({Element(e): v.finding for e, v in element_views.items()},
                               app.application_type)
    editable = (is_assigned_inquirer(actor, app)
                and CaseState(app.state) == CaseState.UNDER_EXAMINATION)
    citations = _case_citations(session, app.id)
    return AssessmentView(
        application_id=app.id, case_number=app.case_number,
        application_type=str(app.application_type), editable=editable,
        assessment_id=row.id if row else None, version=row.version if row else 0,
        facts=tuple(FactView(f.id, f.position, f.statement, f.finding, f.finding_reason,
                             {r.indicator: RatingView(r.indicator, r.rating, r.reason,
                                                      tuple(r.citation_ids))
                              for r in ratings.get(f.id, [])}, f.version) for f in facts),
        elements=element_views, proposal=proposal,
        chosen_outcome=row.chosen_outcome if row else None,
        departure_reason=row.departure_reason if row else None,
        humanitarian_considered=bool(row and row.humanitarian_considered),
        humanitarian_permission=bool(row and row.humanitarian_permission),
        humanitarian_reason=row.humanitarian_reason if row else None,
        citations=tuple(CitationOption(c.id, c.reference, c.quote) for c in citations.values()),
        updated_at=row.updated_at if row else None,
    )


# --- writing ----------------------------------------------------------------------------------


def save_fact(session: Session, *, actor: Actor, application_id: int, statement: str,
              fact_id: int | None = None, expected_version: int | None = None) -> int:
    """Add a material fact, or reword one."""
    app, row = _writable(session, actor, application_id, "fact")
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError(t("errors.assessments.state_material_fact"))
    if fact_id is None:
        count = len(list(session.execute(select(MaterialFact.id).where(
            MaterialFact.assessment_id == row.id)).scalars()))
        fact = MaterialFact(assessment_id=row.id, position=count + 1, statement=statement,
                            updated_by_id=actor.id)
    else:
        fact = _fact(session, row, fact_id)
        _check(session, actor, app, "material fact", fact, expected_version)
        fact.statement = statement
        bump(fact, actor)
    session.add(fact)
    bump(row, actor)
    session.flush()
    audit.record(session, actor=actor, action="assessment.fact", entity_type="application",
                 entity_id=app.id, details={"fact": fact.position, "new": fact_id is None})
    return fact.id


def remove_fact(session: Session, *, actor: Actor, application_id: int, fact_id: int,
                reason: str) -> None:
    app, row = _writable(session, actor, application_id, "fact")
    if not (reason or "").strip():
        raise ValidationError(t("errors.assessments.say_why_material_fact"))
    fact = _fact(session, row, fact_id)
    fact.deleted = True
    bump(fact, actor)
    bump(row, actor)
    session.add(fact)
    session.flush()
    audit.record(session, actor=actor, action="assessment.fact.remove",
                 entity_type="application", entity_id=app.id,
                 details={"fact": fact.position, "reason": reason.strip()})


def _fact(session: Session, row: Assessment, fact_id: int) -> MaterialFact:
    fact = session.get(MaterialFact, fact_id)
    if fact is None or fact.assessment_id != row.id or fact.deleted:
        raise NotFound(t("errors.assessments.no_such_material_fact"))
    return fact


def _check(session: Session, actor: Actor, app: Application, entity: str, row,  # noqa: ANN001
           expected: int | None) -> None:
    if expected is not None and row.version != expected:
        raise audit.refuse(stale_edit(session, entity, row, expected, {}), actor=actor,
                           action=f"assessment.{entity.replace(' ', '_')}",
                           entity_type="application", entity_id=app.id, outcome="refused")


def rate_fact(session: Session, *, actor: Actor, application_id: int, fact_id: int,
              indicator: CredibilityIndicator | str, rating: IndicatorRating | str,
              reason: str = "", citation_ids: Sequence[int] = ()) -> RatingView:
    """Rate one credibility indicator of a fact. External consistency with country
    information needs at least one passage cited for this case; every rating but 'not
    assessed' needs a reason."""
    app, row = _writable(session, actor, application_id, "rating")
    try:
        indicator = CredibilityIndicator(indicator)
        rating = IndicatorRating(rating)
    except ValueError as exc:
        raise ValidationError(t("errors.assessments.unknown_indicator_rating", exc=exc)) from None
    fact = _fact(session, row, fact_id)
    reason = (reason or "").strip()
    if rating != IndicatorRating.NOT_ASSESSED and not reason:
        raise ValidationError(t("errors.assessments.give_reason_rating"))
    available = _case_citations(session, app.id)
    chosen = list(dict.fromkeys(int(c) for c in citation_ids))
    foreign = [c for c in chosen if c not in available]
    if foreign:
        raise ValidationError(t("errors.assessments.passages_cited_case_not"))
    if (indicator == CredibilityIndicator.EXTERNAL_CONSISTENCY_COI
            and rating != IndicatorRating.NOT_ASSESSED and not chosen):
        raise ValidationError(t("errors.assessments.external_consistency_judged_against"))
    existing = session.execute(select(CredibilityRating).where(
        CredibilityRating.fact_id == fact.id,
        CredibilityRating.indicator == indicator.value)).scalar_one_or_none()
    if existing is None:
        existing = CredibilityRating(fact_id=fact.id, indicator=indicator.value,
                                     rating=rating.value, reason=reason, citation_ids=chosen,
                                     updated_by_id=actor.id)
    else:
        existing.rating, existing.reason, existing.citation_ids = rating.value, reason, chosen
        existing.updated_at = clock.now_utc()
        existing.updated_by_id = actor.id
    session.add(existing)
    bump(fact, actor)
    bump(row, actor)
    session.flush()
    audit.record(session, actor=actor, action="assessment.rating", entity_type="application",
                 entity_id=app.id, details={"fact": fact.position, "indicator": indicator.value,
                                            "rating": rating.value, "citations": chosen})
    return RatingView(indicator.value, rating.value, reason, tuple(chosen))


def find_fact(session: Session, *, actor: Actor, application_id: int, fact_id: int,
              finding: FactFinding | str, reason: str,
              expected_version: int | None = None) -> None:
    """Accept or reject a material fact, or give it the benefit of the doubt, with a reason."""
    app, row = _writable(session, actor, application_id, "finding")
    try:
        finding = FactFinding(finding)
    except ValueError:
        raise ValidationError(t("errors.assessments.choose_accepted_rejected_benefit")) from None
    if not (reason or "").strip():
        raise ValidationError(t("errors.assessments.give_reason_finding_fact"))
    fact = _fact(session, row, fact_id)
    _check(session, actor, app, "material fact", fact, expected_version)
    rated = {r.indicator for r in session.execute(select(CredibilityRating).where(
        CredibilityRating.fact_id == fact.id)).scalars()}
    if not rated:
        raise ValidationError(t("errors.assessments.rate_fact_credibility_indicators"))
    fact.finding, fact.finding_reason = finding.value, reason.strip()
    bump(fact, actor)
    bump(row, actor)
    session.add(fact)
    session.flush()
    audit.record(session, actor=actor, action="assessment.fact_finding",
                 entity_type="application", entity_id=app.id,
                 details={"fact": fact.position, "finding": finding.value})


def record_element(session: Session, *, actor: Actor, application_id: int,
                   element: Element | str, finding: ElementFinding | str, reason: str,
                   grounds: Sequence[str] = (), expected_version: int | None = None
                   ) -> ElementView:
    """The finding on one eligibility element, with its reason (and, for the Convention
    ground, which grounds)."""
    app, row = _writable(session, actor, application_id, "element")
    try:
        element = Element(element)
        finding = ElementFinding(finding)
    except ValueError as exc:
        raise ValidationError(t("errors.assessments.unknown_element_finding", exc=exc)) from None
    if not (reason or "").strip():
        raise ValidationError(t("errors.assessments.give_reason_finding_element"))
    chosen = list(dict.fromkeys(grounds))
    unknown = [g for g in chosen if g not in GROUNDS]
    if unknown:
        raise ValidationError(t("errors.assessments.unknown_convention_ground_s",
                                unknown=', '.join(unknown)))
    if element == Element.CONVENTION_GROUND and finding == ElementFinding.MET and not chosen:
        raise ValidationError(t("errors.assessments.name_convention_ground_s"))
    if element != Element.CONVENTION_GROUND and chosen:
        raise ValidationError(t("errors.assessments.grounds_recorded_convention_ground"))
    if element == Element.CONVENTION_GROUND and finding == ElementFinding.NOT_MET:
        chosen = []
    facts = list(session.execute(select(MaterialFact).where(
        MaterialFact.assessment_id == row.id, MaterialFact.deleted.is_(False))).scalars())
    if not facts:
        raise ValidationError(t("errors.assessments.list_assess_material_facts"))
    existing = session.execute(select(ElementAssessment).where(
        ElementAssessment.assessment_id == row.id,
        ElementAssessment.element == element.value)).scalar_one_or_none()
    if existing is None:
        existing = ElementAssessment(assessment_id=row.id, element=element.value,
                                     finding=finding.value, reason=reason.strip(),
                                     grounds=chosen, updated_by_id=actor.id)
    else:
        _check(session, actor, app, "element finding", existing, expected_version)
        existing.finding, existing.reason, existing.grounds = (finding.value, reason.strip(),
                                                               chosen)
        bump(existing, actor)
    session.add(existing)
    bump(row, actor)
    session.flush()
    audit.record(session, actor=actor, action="assessment.element", entity_type="application",
                 entity_id=app.id, details={"element": element.value,
                                            "finding": finding.value, "grounds": chosen})
    return ElementView(existing.element, existing.finding, existing.reason,
                       tuple(existing.grounds), existing.version)


def choose_outcome(session: Session, *, actor: Actor, application_id: int,
                   outcome: PrimaryOutcome | str, departure_reason: str = "",
                   humanitarian_considered: bool = False,
                   humanitarian_permission: bool = False, humanitarian_reason: str = "",
                   expected_version: int | None = None) -> AssessmentView:
    """The inquirer's outcome. A departure from the proposal needs its reason; a refusal
    needs humanitarian permission to have been considered, with a reason."""
    app, row = _writable(session, actor, application_id, "outcome")
    _check(session, actor, app, "assessment", row, expected_version)
    try:
        outcome = PrimaryOutcome(outcome)
    except ValueError:
        raise ValidationError(t("errors.assessments.choose_outcome")) from None
    if outcome not in CHOOSABLE:
        raise ValidationError(t("errors.assessments.choose_outcome"))
    view = assessment(session, actor=actor, application_id=application_id)
    if view.unrated_facts:
        raise ValidationError(tn("errors.assessments.material_fact_s_no",
                                 len(view.unrated_facts)))
    if view.proposal.outcome is None:
        raise ValidationError(view.proposal.explanation)
    if outcome == PrimaryOutcome.RECOGNISED_REFUGEE and app.application_type == "COMPLEMENTARY":
        raise ValidationError(t("errors.assessments.complementary_protection_application_cannot"))
    departure_reason = (departure_reason or "").strip()
    if outcome != view.proposal.outcome and not departure_reason:
        raise ValidationError(
            t("errors.assessments.findings_lead_say_why",
              outcome=t(f"outcome.{view.proposal.outcome.value}")))
    if outcome == PrimaryOutcome.NOT_RECOGNISED:
        if not humanitarian_considered:
            raise ValidationError(t("errors.assessments.consider_humanitarian_permission_stay"))
        if not (humanitarian_reason or "").strip():
            raise ValidationError(t("errors.assessments.give_reason_decision_humanitarian"))
    else:
        humanitarian_permission = False
    row.chosen_outcome = outcome.value
    row.departure_reason = departure_reason if outcome != view.proposal.outcome else None
    row.humanitarian_considered = bool(humanitarian_considered)
    row.humanitarian_permission = bool(humanitarian_permission)
    row.humanitarian_reason = (humanitarian_reason or "").strip() or None
    bump(row, actor)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="assessment.outcome", entity_type="application",
                 entity_id=app.id, details={"outcome": outcome.value,
                                            "proposed": view.proposal.outcome.value,
                                            "humanitarian": bool(humanitarian_permission)})
    return assessment(session, actor=actor, application_id=application_id)


__all__ = [
    "CHOOSABLE",
    "ELEMENT_ORDER",
    "GROUNDS",
    "AssessmentView",
    "ElementView",
    "FactView",
    "RatingView",
    "assessment",
    "choose_outcome",
    "find_fact",
    "rate_fact",
    "record_element",
    "remove_fact",
    "save_fact",
]
