"""The demo generator's records: the office-hour and enum constants it shares, the actors
cases are assigned to (``DemoActors``), the rows it returns (``GeneratedData``), and the
in-memory person and case it builds them from.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from models.enums import (
    ApplicationType,
    CaseState,
    PrimaryOutcome,
    RemovalSuspension,
    ResidenceMeasure,
    ResidenceStatus,
    Role,
    SortingCategory,
)
from workbench.demo import names as namegen
from workbench.demo import narratives
from workbench.demo.accounts import DEMO_ACCOUNTS, DemoAccount

#: Office hours 09:00–18:00 in Asia/Tokyo are 00:00–09:00 UTC on the same calendar date.
OFFICE_SECONDS = 9 * 3600
_MONTH_DAYS = 30.4375

_REFUGEE = ApplicationType.REFUGEE.value
_CP = ApplicationType.COMPLEMENTARY.value
_NR = PrimaryOutcome.NOT_RECOGNISED.value
_NRH = PrimaryOutcome.NOT_RECOGNISED_HUMANITARIAN_STAY.value
_REF = PrimaryOutcome.RECOGNISED_REFUGEE.value
_RCP = PrimaryOutcome.RECOGNISED_CP.value
_WD = PrimaryOutcome.WITHDRAWN.value
_NO_STATUS = ResidenceStatus.NO_STATUS.value
_CAT_A = SortingCategory.A.value
_CAT_B = SortingCategory.B.value
_CAT_C = SortingCategory.C.value
_FINAL = CaseState.FINAL.value
_RECEIVED = CaseState.RECEIVED.value
_EPOCH = date(1970, 1, 1).toordinal()


class _Weighted:
    """Keys with weights, drawn with one ``random()`` call each (insertion order kept)."""

    __slots__ = ("keys", "cumulative", "total")

    def __init__(self, weights: dict[str, float]) -> None:
        self.keys = [k for k, w in weights.items() if w > 0]
        self.cumulative = []
        total = 0.0
        for k in self.keys:
            total += weights[k]
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng: random.Random) -> str:
        return self.keys[bisect.bisect(self.cumulative, rng.random() * self.total)]

    def pick_other(self, rng: random.Random, other: str) -> str | None:
        """A key other than ``other`` (drawn from the weights without it), or None."""
        if not self.keys or self.keys == [other]:
            return None
        while True:
            key = self.pick(rng)
            if key != other:
                return key
_DA_DEP = ResidenceStatus.DA_DEPARTURE_PREPARATION.value


@dataclass(frozen=True)
class DemoActors:
    """The users cases are assigned to and decided by: (id, office) pairs."""

    inquirers: tuple[tuple[int, str], ...]
    managers: tuple[tuple[int, str], ...]

    @classmethod
    def from_accounts(cls, accounts: Sequence[DemoAccount]) -> DemoActors:
        def pick(role: Role) -> tuple[tuple[int, str], ...]:
            return tuple((a.id, a.office or "TOKYO") for a in accounts
                         if a.role == role and a.id is not None)
        return cls(pick(Role.INQUIRER), pick(Role.MANAGER))

    @classmethod
    def default(cls) -> DemoActors:
        """Ids the demo accounts get in an empty database (inserted in DEMO_ACCOUNTS order)."""
        accounts = [DemoAccount(a.username, a.password, a.role, a.display_name, a.office,
                                a.expertise, i + 1) for i, a in enumerate(DEMO_ACCOUNTS)]
        return cls.from_accounts(accounts)

    def role_of(self) -> dict[int, Role]:
        roles = {uid: Role.INQUIRER for uid, _ in self.inquirers}
        roles.update({uid: Role.MANAGER for uid, _ in self.managers})
        return roles


@dataclass
class GeneratedData:
    """Rows for the person, application and status_event tables, with their ground truth.

    ``truth[i]`` describes ``applications[i]``: ``true_person`` (the same number for every
    application of one real person, whichever Person row it was registered on), ``history``
    (an earlier case generated before the 2019 window for a repeat applicant), the planned
    outcome and sorting category, the drawn decision and review times in days, the narrative's
    ``themes``, ``voice`` and ``length``, and flags for the spelling variant and the date of
    birth as entered.
    """

    cases: int
    seed: int
    as_of: date
    persons: list[dict[str, Any]]
    applications: list[dict[str, Any]]
    events: list[dict[str, Any]]
    truth: list[dict[str, Any]]

    @property
    def history_cases(self) -> int:
        return sum(1 for t in self.truth if t["history"])


class _Person:
    __slots__ = ("idx", "name", "family", "given", "original", "dob", "birth_year", "sex",
                 "nationality", "languages", "aliases", "registrations", "true_person")

    def __init__(self, idx: int, name: namegen.Name, family: str, given: str,
                 original: str | None, dob: date | None, birth_year: int, sex: str,
                 nationality: str, languages: list[str], true_person: int) -> None:
        self.idx = idx
        self.name = name
        self.family = family
        self.given = given
        self.original = original
        self.dob = dob
        self.birth_year = birth_year
        self.sex = sex
        self.nationality = nationality
        self.languages = languages
        self.aliases: list[str] = []
        self.registrations: list[int] = []  # case indices registered on this row
        self.true_person = true_person


class _Case:
    __slots__ = (
        "idx", "app_type", "year", "lodge", "reg_sec", "nationality", "repeat", "status",
        "ceased", "outcome", "category", "office", "history", "person", "true_person",
        "app_number", "prev", "name_entered", "dob_entered", "name_variant", "dob_swapped",
        "dob_year_only", "reuse", "events", "state", "f_outcome", "f_category", "f_measure",
        "drafted_by", "notice", "review_basis", "filed", "late_reason", "ruling", "final_day",
        "decision_days_drawn", "decision_days", "review_days", "narrative", "materials",
        "suspension", "removal_procedure", "detained", "inquirer", "manager",
    )

    def __init__(self, idx: int, app_type: str, year: int, lodge: int, nationality: str) -> None:
        self.idx = idx
        self.app_type = app_type
        self.year = year
        self.lodge = lodge
        self.reg_sec = 0
        self.nationality = nationality
        self.repeat = False
        self.status = ResidenceStatus.TEMPORARY_VISITOR.value
        self.ceased = False
        self.outcome = _NR
        self.category = SortingCategory.D2.value
        self.office = "TOKYO"
        self.history = False
        self.person = -1
        self.true_person = -1
        self.app_number = 1
        self.prev: int | None = None
        self.name_entered = ""
        self.dob_entered: date | None = None
        self.name_variant = False
        self.dob_swapped = False
        self.dob_year_only = False
        self.reuse = False
        self.events: list[tuple] = []
        self.state: str | None = None
        self.f_outcome: str | None = None
        self.f_category = SortingCategory.UNSORTED.value
        self.f_measure = ResidenceMeasure.UNDECIDED.value
        self.drafted_by: int | None = None
        self.notice: int | None = None
        self.review_basis: str | None = None
        self.filed: int | None = None
        self.late_reason: str | None = None
        self.ruling: str | None = None
        self.final_day: int | None = None
        self.decision_days_drawn = 0.0
        self.decision_days = 0
        self.review_days: int | None = None
        self.narrative: narratives.Narrative | None = None
        self.materials = False
        self.suspension = RemovalSuspension.SUSPENDED.value
        self.removal_procedure = False
        self.detained = False
        self.inquirer = 0
        self.manager = 0
