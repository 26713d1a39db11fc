"""The outcome that follows from the findings on the eligibility elements.

The elements are taken in order (DOMAIN.md §4.2): persecution or serious harm, a well-founded
fear (a realistic risk; individual targeting is not required), the agent of persecution and
the absence of state protection, the absence of a reasonable internal relocation
alternative, and a Convention ground with its nexus. All of them met: refugee. All but the
Convention ground: complementary protection (the risk of serious harm is real, but not for a
Convention reason). Any of the first four not met: not recognised, with humanitarian
permission to stay considered separately. The proposal names the finding that leads there;
the inquirer chooses the outcome and says why when departing from it.

This module holds no database code: the assessment service and the tests call it alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from models import ApplicationType, Element, ElementFinding, PrimaryOutcome
from workbench.core.i18n import t

#: The order the assessment takes the elements in, and the question each answers.
ELEMENT_ORDER: tuple[Element, ...] = (
    Element.PERSECUTION,
    Element.WELL_FOUNDED_FEAR,
    Element.STATE_PROTECTION,
    Element.INTERNAL_RELOCATION,
    Element.CONVENTION_GROUND,
)

class _Questions(Mapping[Element, str]):
    """The question each element answers, in the reader's language
    (``eligibility.question.<element>``)."""

    def __getitem__(self, element: Element) -> str:
        return t(f"eligibility.question.{Element(element).value}")

    def __iter__(self) -> Iterator[Element]:
        return iter(ELEMENT_ORDER)

    def __len__(self) -> int:
        return len(ELEMENT_ORDER)


ELEMENT_QUESTIONS: Mapping[Element, str] = _Questions()

@dataclass(frozen=True)
class Proposal:
    """The outcome that follows from the findings, or None while they are incomplete."""

    outcome: PrimaryOutcome | None
    explanation: str
    decisive: Element | None  # the finding that leads to the outcome
    missing: tuple[Element, ...] = ()  # elements still to be assessed before a proposal


def propose_outcome(findings: Mapping[Element | str, ElementFinding | str | None],
                    application_type: ApplicationType | str = ApplicationType.REFUGEE
                    ) -> Proposal:
    """The outcome that follows from ``findings`` (element → MET / NOT_MET / None).

    Any of the first four elements not met decides a non-recognition, whatever else is still
    open (the first such element in order is named); otherwise every element must be
    assessed before a recognition is proposed."""
    given = {Element(k): (ElementFinding(v) if v else None) for k, v in findings.items()}
    missing = tuple(e for e in ELEMENT_ORDER if given.get(e) is None)
    for element in ELEMENT_ORDER[:-1]:
        if given.get(element) == ElementFinding.NOT_MET:
            still = [e for e in missing if e != Element.CONVENTION_GROUND]
            note = (t("eligibility.not_yet_assessed", elements=_labels(still))
                    if still else "")
            return Proposal(
                PrimaryOutcome.NOT_RECOGNISED,
                t("eligibility.not_recognised", reason=_not_met(element), note=note),
                element, missing)
    if missing:
        return Proposal(None, t("eligibility.assess_first", elements=_labels(missing)),
                        None, missing)
    cp_only = ApplicationType(application_type) == ApplicationType.COMPLEMENTARY
    if given[Element.CONVENTION_GROUND] == ElementFinding.MET and not cp_only:
        return Proposal(PrimaryOutcome.RECOGNISED_REFUGEE,
                        t("eligibility.refugee"), Element.CONVENTION_GROUND)
    if given[Element.CONVENTION_GROUND] == ElementFinding.MET:
        return Proposal(PrimaryOutcome.RECOGNISED_CP,
                        t("eligibility.cp_only"), Element.CONVENTION_GROUND)
    return Proposal(PrimaryOutcome.RECOGNISED_CP,
                    t("eligibility.cp", reason=_not_met(Element.CONVENTION_GROUND)),
                    Element.CONVENTION_GROUND)


def _labels(elements: list[Element] | tuple[Element, ...]) -> str:
    """The elements named in the reader's language, in English as "persecution, well founded
    fear"."""
    return t("eligibility.separator").join(
        t(f"eligibility.element.{e.value}") for e in elements)


def _not_met(element: Element) -> str:
    """What a finding of "not met" on ``element`` means (``eligibility.not_met.*``)."""
    return t(f"eligibility.not_met.{element.value}")


__all__ = ["ELEMENT_ORDER", "ELEMENT_QUESTIONS", "Proposal", "propose_outcome"]
