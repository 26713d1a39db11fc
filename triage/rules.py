"""The sorting rules that turn the classifier's view of a claim and the application's facts
into a suggested category (DOMAIN.md §2, §3.2).

The rules of one procedure live in one class. ``JapanSorting`` is the 2018 sorting into A, B,
C, D1 and D2; another country's triage would be another class with the same ``decide``.
The rules never decide a case: they suggest, or abstain and say why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from triage.model import Thresholds, b_probability
from triage.novelty import Novelty

RULES_VERSION = "jp-2018-sorting/2026.12.3"

#: The 2023 amendment's exception to the suspensive effect (DOMAIN.md §3.2) applies to
#: applications lodged from this date.
THIRD_APPLICATION_EXCEPTION_FROM = date(2024, 6, 10)

#: A repeat claim with at least this share of new text and a material new sentence is not C.
MOSTLY_NEW = 0.5

#: p(no material new facts) between these: abstain on a repeat claim.
REPEAT_UNSURE = (0.4, 0.6)

#: Statuses that put a claim that is not B, A or C into D1.
DEPARTURE_STATUSES = frozenset({"DA_DEPARTURE_PREPARATION"})
NO_STATUS = "NO_STATUS"

#: Languages the pipeline reads (engine.language_of); others are left to a person.
READ_LANGUAGES = frozenset({"en", "ja"})


def third_application_exception(application_number: int, reasonable_grounds: bool,
                                lodged: date | None = None) -> bool:
    """Whether removal may proceed during this application: a third or later application
    without "materials demonstrating reasonable grounds", lodged once the exception was in
    force (an unknown lodging date counts as in force)."""
    if application_number < 3 or reasonable_grounds:
        return False
    return lodged is None or lodged >= THIRD_APPLICATION_EXCEPTION_FROM


@dataclass(frozen=True)
class Facts:
    """What the rules know of the application besides the narrative."""

    nationality: str | None
    application_number: int
    has_previous_text: bool
    status_of_residence: str | None
    activities_ceased: bool
    reasonable_grounds_materials: bool
    lodged: date | None
    language: str  # "en", "ja" or "other"
    tokens: int


@dataclass(frozen=True)
class Reading:
    """What the pipeline read in the narrative."""

    probabilities: Mapping[str, float]  # the classifier's classes
    nexus: bool  # a Convention ground asserted with harm in one sentence
    novelty: Novelty | None
    p_no_news: float | None = None  # repeat claims: p(no material new facts)
    #: what the claim is about among the subjects that are never B: "demonstration",
    #: "religious_community", "ethnic_group" (triage.features.Reading.about)
    about: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    category: str  # A, B, C, D1, D2, NA or ABSTAIN
    confidence: float
    basis: str | None
    b_reason: str | None
    leaning: str | None  # for ABSTAIN: what the suggestion would have been
    reasons: tuple[str, ...]
    abstain_reasons: tuple[str, ...] = ()
    a_list_reason: str | None = None
    focus: tuple[str, ...] = field(default=())  # cue families the evidence should show


class JapanSorting:
    version = RULES_VERSION
    categories = ("A", "B", "C", "D1", "D2")

    def __init__(self, thresholds: Thresholds, novelty_settings: Mapping[str, float] | None
                 = None):
        self.t = thresholds
        self.novelty = dict(novelty_settings or {})

    def _d(self, facts: Facts) -> str:
        if facts.activities_ceased or facts.status_of_residence in DEPARTURE_STATUSES:
            return "D1"
        return "D2"

    def decide(self, facts: Facts, reading: Reading, a_countries: Mapping[str, str]
               ) -> Decision:
        p = reading.probabilities
        p_b = b_probability(p)
        b_reason = None
        if p_b > 0:
            b_reason = max((k for k in p if k.startswith("b_")), key=lambda k: p[k])[2:]
        basis = "b" if p_b >= 0.5 else max(("convention", "conflict"), key=lambda k: p[k])
        a_reason = a_countries.get((facts.nationality or "").upper())

        if facts.status_of_residence == NO_STATUS:
            return Decision("NA", 1.0, basis, None, None, (
                "The applicant had no status of residence at filing: the sorting does not "
                "apply (provisional stay and removal procedures instead).",), focus=("ground",))
        if facts.tokens < 4:
            return Decision("ABSTAIN", 0.0, None, None, None, (),
                            ("The narrative is empty or too short to read.",))

        # Rule 1: a repeat application that restates the earlier claim is C.
        if facts.application_number >= 2:
            novelty = reading.novelty
            if novelty is None or not facts.has_previous_text:
                return Decision(
                    "ABSTAIN", 0.0, basis, None, "C", (),
                    (f"This is application no. {facts.application_number}, but no earlier "
                     "claim is on file to compare it with.",), a_list_reason=a_reason)
            p_same = reading.p_no_news
            if p_same is None:
                p_same = 0.0 if novelty.has_material_news else 1.0
            if novelty.material_new >= 1 and novelty.new_share >= MOSTLY_NEW:
                # Most of the claim is new and carries harm or grounds: never C, whatever
                # the classifier says.
                p_same = min(p_same, 0.0)
            elif any(s.material and "new_circumstance" in s.cue_types and "harm" in s.cue_types
                     for s in novelty.sentences):
                # Harm the claim itself dates after the earlier application: a person must
                # judge whether it is material, so never C outright.
                p_same = min(p_same, REPEAT_UNSURE[1] - 0.01)
            if facts.language not in READ_LANGUAGES:
                # English and Japanese are compared word by word (Japanese on Sudachi's
                # normalised content words); other languages are not read.
                return Decision(
                    "ABSTAIN", round(max(p_same, 1 - p_same), 3), basis, None,
                    "C" if p_same >= REPEAT_UNSURE[1] else None, (),
                    ("A repeat claim in a language the model does not read: a person must "
                     "compare it with the earlier claims.",),
                    a_list_reason=a_reason, focus=("repeat",))
            if REPEAT_UNSURE[0] <= p_same < REPEAT_UNSURE[1]:
                return Decision(
                    "ABSTAIN", round(max(p_same, 1 - p_same), 3), basis, None, "C", (),
                    (f"Unsure whether the repeat claim brings material new facts "
                     f"(probability of none {p_same:.0%}).",), a_list_reason=a_reason,
                    focus=("repeat",))
            if p_same >= REPEAT_UNSURE[1]:
                share = novelty.closest_share
                confidence = p_same
                return Decision(
                    "C", round(confidence, 3), basis, None, None,
                    (f"Repeat application (no. {facts.application_number}) with no material "
                     f"new facts: {share:.0%} of it restates earlier claim "
                     f"no. {(novelty.closest_earlier or 0) + 1}.",), focus=("repeat",))
            repeat_note = (f"Repeat application that brings new facts ({novelty.new_share:.0%} "
                           "of it is new): sorted on the claim as it now stands.")
        else:
            repeat_note = None
        notes = (repeat_note,) if repeat_note else ()

        if facts.language not in READ_LANGUAGES:
            # No basis either: the model's reading of a language it does not read means
            # nothing.
            return Decision("ABSTAIN", 0.0, None, None, None,
                            notes, ("The narrative is in neither English nor Japanese, which "
                                    "the model reads; a person must sort it.",),
                            a_list_reason=a_reason)

        # Rule 2: B only when the classifier is sure and no Convention nexus is asserted, and
        # never for a claim about a demonstration, a religious community or an ethnic group.
        if p_b >= self.t.b_accept:
            if reading.about:
                return Decision(
                    "ABSTAIN", round(p_b, 3), "b", b_reason, None, notes,
                    ("The claim reads as outside the Convention grounds, but it is about "
                     f"{_ABOUT[reading.about[0]]}, which is never Category B: a person must "
                     "sort it.",), a_list_reason=a_reason, focus=("b", "ground"))
            if reading.nexus:
                return Decision(
                    "ABSTAIN", round(p_b, 3), "b", b_reason, "B", notes,
                    ("The claim reads as outside the Convention grounds, but a sentence "
                     "links harm to a Convention ground: the cues conflict.",),
                    a_list_reason=a_reason, focus=("b", "ground"))
            if b_reason == "general_insecurity" and a_reason:
                category = "A"
                return Decision(
                    category, round(p_b, 3), "conflict", None, None,
                    notes + (f"General insecurity in {facts.nationality}, which is on the "
                             f"Category A list ({a_reason}): state protection cannot be "
                             "expected, so not B.",), a_list_reason=a_reason,
                    focus=("b", "conflict"))
            return Decision(
                "B", round(p_b, 3), "b", b_reason, None,
                notes + (f"The claim rests on {B_REASON_LABELS[b_reason]}, outside the Convention "
                         "grounds.",), focus=("b", "protection"))
        if p_b >= self.t.b_reject:
            return Decision(
                "ABSTAIN", round(1 - p_b, 3), basis, b_reason, "B" if p_b >= 0.5 else None,
                notes, (f"Unsure whether the claim is outside the Convention grounds "
                        f"(probability {p_b:.0%}).",), a_list_reason=a_reason,
                focus=("b", "ground"))

        confidence = round(1 - p_b, 3)
        if confidence < self.t.min_confidence:
            return Decision("ABSTAIN", confidence, basis, None, None, notes,
                            ("The model is not confident enough.",), a_list_reason=a_reason)
        grounds_note = ("The claim raises a Convention ground." if basis == "convention"
                        else "The claim rests on armed conflict or generalised violence.")
        # Rule 3: Category A list.
        if a_reason and basis in ("convention", "conflict"):
            return Decision("A", confidence, basis, None, None,
                            notes + (grounds_note, f"{facts.nationality} is on the Category A "
                                     f"list: {a_reason}."), a_list_reason=a_reason,
                            focus=("ground", "conflict", "harm"))
        # Rule 4: D1 or D2 by the status facts.
        category = self._d(facts)
        why = ("filed after the activities of the status had ceased or while preparing to "
               "depart" if category == "D1" else "no restriction applies")
        return Decision(category, confidence, basis, None, None,
                        notes + (grounds_note, f"{category}: {why}."),
                        focus=("ground", "conflict", "harm"))


_ABOUT = {"demonstration": "a political demonstration",
          "religious_community": "a religious community",
          "ethnic_group": "an ethnic group"}

B_REASON_LABELS = {
    "debt_property": "a debt, inheritance or property dispute",
    "hardship_work": "hardship or the wish to work",
    "private_trouble": "private trouble with local people",
    "general_insecurity": "general insecurity where the state can protect",
}
