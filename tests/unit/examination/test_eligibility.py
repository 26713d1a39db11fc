"""The outcome proposal for every combination of findings on the eligibility elements,
checked against a plain statement of the rule."""

from __future__ import annotations

import itertools

import pytest

from models import ApplicationType, Element, ElementFinding, PrimaryOutcome
from workbench.examination.eligibility import ELEMENT_ORDER, propose_outcome

MET, NOT = ElementFinding.MET, ElementFinding.NOT_MET
FIRST_FOUR = ELEMENT_ORDER[:4]


def oracle(findings: dict[Element, ElementFinding | None], cp_only: bool
           ) -> tuple[PrimaryOutcome | None, Element | None]:
    """Refused on the first of the first four elements found not met; else undecided while
    anything is open; else refugee with a ground (CP on a CP-only application), CP without."""
    for element in FIRST_FOUR:
        if findings[element] is NOT:
            return PrimaryOutcome.NOT_RECOGNISED, element
    if any(v is None for v in findings.values()):
        return None, None
    if findings[Element.CONVENTION_GROUND] is MET:
        return (PrimaryOutcome.RECOGNISED_CP if cp_only
                else PrimaryOutcome.RECOGNISED_REFUGEE), Element.CONVENTION_GROUND
    return PrimaryOutcome.RECOGNISED_CP, Element.CONVENTION_GROUND


COMBINATIONS = list(itertools.product((MET, NOT, None), repeat=len(ELEMENT_ORDER)))


@pytest.mark.parametrize("application_type", [ApplicationType.REFUGEE,
                                              ApplicationType.COMPLEMENTARY])
def test_every_combination_of_findings(application_type: ApplicationType) -> None:
    assert len(COMBINATIONS) == 243
    for values in COMBINATIONS:
        findings = dict(zip(ELEMENT_ORDER, values, strict=True))
        proposal = propose_outcome(findings, application_type)
        expected, decisive = oracle(findings, application_type == ApplicationType.COMPLEMENTARY)
        assert (proposal.outcome, proposal.decisive) == (expected, decisive), findings
        assert proposal.explanation
        assert set(proposal.missing) == {e for e, v in findings.items() if v is None}


def test_the_explanation_names_the_finding_that_leads_there() -> None:
    refused = propose_outcome({Element.PERSECUTION: MET, Element.WELL_FOUNDED_FEAR: MET,
                               Element.STATE_PROTECTION: NOT})
    assert "state protection is available" in refused.explanation
    assert "internal relocation" in refused.explanation  # still to assess, and said so
    assert "humanitarian" in refused.explanation.lower()
    cp = propose_outcome({e: MET for e in FIRST_FOUR} | {Element.CONVENTION_GROUND: NOT})
    assert cp.outcome == PrimaryOutcome.RECOGNISED_CP
    assert "not for a Convention reason" in cp.explanation
    open_ = propose_outcome({Element.PERSECUTION: MET})
    assert open_.outcome is None and "well founded fear" in open_.explanation


def test_findings_given_as_plain_strings() -> None:
    proposal = propose_outcome({e.value: "MET" for e in ELEMENT_ORDER})
    assert proposal.outcome == PrimaryOutcome.RECOGNISED_REFUGEE
