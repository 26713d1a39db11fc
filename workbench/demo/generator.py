"""A deterministic generator of a believable caseload (DOMAIN.md §6 and §8.3).

``generate(cases, seed, as_of)`` returns plain dicts for the ``person``, ``application`` and
``status_event`` tables, ready for a Core ``insert()``, plus the ground truth the tests and the
triage evaluation need (which person each repeat application really belongs to, the planned
outcome, the drawn processing time, the narrative's themes and voice).

How a caseload is built:

1. ``parameters.allocate`` scales the published yearly volumes to ``cases`` applications.
2. For each year, nationality, status of residence at filing, repeat flag, planned outcome and
   sorting category are assigned in exact proportions (largest remainder), with weights that
   concentrate recognitions on Afghanistan and Myanmar and repeats on Turkish nationals.
3. Cases are then processed in lodging order. A repeat application takes an earlier case of
   the same nationality that has ended FINAL and not recognised; when there is none (the
   first months of 2019, a rare nationality) an earlier "history" case is created for it,
   lodged from 2018 and closed before the repeat. Each case's events follow
   ``workbench.core.workflow.TRANSITIONS`` from registration to wherever the case stands on
   ``as_of``; events that would fall on or after ``as_of`` are not written, which leaves the
   backlog pending at its stage.

Everything is drawn from one ``random.Random(seed)`` in a fixed order; no set or hash order is
relied on, so the same (cases, seed, as_of) always gives the same data.
"""

from __future__ import annotations

import bisect
import heapq
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from models.enums import (
    ApplicationType,
    CaseState,
    PrimaryOutcome,
    RemovalSuspension,
    ResidenceMeasure,
    ResidenceStatus,
    ReviewBasis,
    ReviewRuling,
    Role,
    SortingCategory,
)
from triage.readings import search_key
from workbench.core import clock
from workbench.core.milestones import MILESTONE_COLUMNS, milestone_updates
from workbench.core.settings import Settings, get_settings
from workbench.core.workflow import BY_NAME, DEFAULT_MEASURE
from workbench.demo import katakana, narratives
from workbench.demo import names as namegen
from workbench.demo.accounts import DEMO_ACCOUNTS, MANAGER_REGION, OFFICE_COVER, DemoAccount
from workbench.demo.parameters import allocate, apportion, by_year, parameters

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


class _Calendar:
    """Open office days (not weekends or public holidays) between two dates."""

    def __init__(self, start: date, end: date, settings: Settings) -> None:
        self.base = start.toordinal()
        self.end = end.toordinal()
        size = max(0, self.end - self.base)
        closed = [clock.is_closed_day(date.fromordinal(self.base + i), settings)
                  for i in range(size)]
        following = [size] * (size + 1)
        for i in range(size - 1, -1, -1):
            following[i] = i if not closed[i] else following[i + 1]
        self._following = following
        self.open_days = [self.base + i for i in range(size) if not closed[i]]
        self._deadlines: dict[int, int] = {}
        self._sorting: dict[int, int] = {}
        self.settings = settings

    def snap(self, day: int) -> int:
        """The first open day on or after ``day`` (days from ``end`` on are returned as is)."""
        if day >= self.end:
            return day
        if day < self.base:
            day = self.base
        return self.base + self._following[day - self.base]

    def open_between(self, start: int, end: int) -> list[int]:
        """Open days in [start, end)."""
        lo = bisect.bisect_left(self.open_days, start)
        hi = bisect.bisect_left(self.open_days, end)
        return self.open_days[lo:hi]

    def review_deadline(self, notice: int) -> int:
        value = self._deadlines.get(notice)
        if value is None:
            value = clock.review_deadline(date.fromordinal(notice), self.settings).toordinal()
            self._deadlines[notice] = value
        return value

    def sorting_deadline(self, lodged: int) -> int:
        value = self._sorting.get(lodged)
        if value is None:
            value = clock.sorting_deadline(date.fromordinal(lodged), self.settings).toordinal()
            self._sorting[lodged] = value
        return value


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


_TARGET = {name: spec.target.value for name, spec in BY_NAME.items()}
_TARGET["register"] = CaseState.RECEIVED.value


class _Timeline:
    """Appends a case's events with strictly increasing office-hour timestamps, stopping at
    the first event that would fall on or after the cut-off day."""

    __slots__ = ("case", "cal", "rng", "cutoff", "day", "sec", "stopped")

    def __init__(self, case: _Case, cal: _Calendar, rng: random.Random, cutoff: int) -> None:
        self.case = case
        self.cal = cal
        self.rng = rng
        self.cutoff = cutoff
        self.day = -1
        self.sec = -1
        self.stopped = False

    def add(self, action: str, day: int, actor: int | None, reason: str | None = None,
            sec: int | None = None) -> int | None:
        """Record ``action`` on ``day`` (or the next open day after the previous event);
        return the day used, or None when the case has reached the cut-off."""
        if self.stopped:
            return None
        day = self.cal.snap(max(day, self.day))
        random_ = self.rng.random
        if day == self.day:
            if self.sec >= OFFICE_SECONDS - 2:
                day = self.cal.snap(day + 1)
                sec = int(random_() * OFFICE_SECONDS)
            else:
                low = self.sec + 1
                high = min(OFFICE_SECONDS - 1, self.sec + 5 * 3600)
                sec = low + int(random_() * (high - low + 1))
        elif sec is None:
            sec = int(random_() * OFFICE_SECONDS)
        if day >= self.cutoff:
            self.stopped = True
            return None
        case = self.case
        target = _TARGET[action]
        case.events.append((action, case.state, target, actor, reason, day, sec))
        case.state = target
        self.day, self.sec = day, sec
        return day


class _Generator:
    def __init__(self, cases: int, seed: int, as_of: date, actors: DemoActors,
                 settings: Settings) -> None:
        if cases < 0:
            raise ValueError("cases must not be negative")
        if not actors.inquirers or not actors.managers:
            raise ValueError("the demo needs at least one inquirer and one manager")
        self.requested = cases
        self.seed = seed
        self.as_of = as_of
        self.actors = actors
        self.settings = settings
        self.rng = random.Random(seed)
        self.p = parameters()
        self.history_start: date = self.p["window"]["history_start"]
        self.cal = _Calendar(date(self.history_start.year, 1, 1), as_of, settings)
        self.cutoff = as_of.toordinal()
        self.cases: list[_Case] = []
        self.persons: list[_Person] = []
        offices = self.p["offices"]
        self.office_names = list(offices)
        self.office_codes = {o: offices[o]["code"] for o in self.office_names}
        self.inquirers_by_office: dict[str, list[int]] = {}
        for uid, office in actors.inquirers:
            self.inquirers_by_office.setdefault(office, []).append(uid)
        self.managers_by_office: dict[str, list[int]] = {}
        for uid, office in actors.managers:
            self.managers_by_office.setdefault(office, []).append(uid)
        self.all_inquirers = [uid for uid, _ in actors.inquirers]
        self.all_managers = [uid for uid, _ in actors.managers]
        self.exception_from = self.p["repeats"]["exception_from"].toordinal()
        self.blocks = narratives.blocks()
        self._theme_cache: dict[tuple, tuple[_Weighted, _Weighted, _Weighted]] = {}
        self._voices = _Weighted(self.p["narratives"]["voices"])
        self._lengths = _Weighted(self.p["narratives"]["lengths"])
        self._offices = _Weighted({o: offices[o]["share"] for o in self.office_names})

    # --- helpers -------------------------------------------------------------------------

    def _weighted_top(self, indices: list[int], weights: list[float], k: int) -> list[int]:
        """Draw ``k`` of ``indices`` without replacement with the given weights
        (Efraimidis–Spirakis keys)."""
        if k <= 0:
            return []
        rng = self.rng
        keyed = []
        for i, w in zip(indices, weights, strict=True):
            u = rng.random()
            keyed.append(((math.log(u) / w) if (w > 0 and u > 0) else -math.inf, i))
        keyed.sort(reverse=True)
        return [i for _, i in keyed[:k]]

    def _expand(self, shares: list[tuple[str, float]], n: int) -> list[str]:
        items = [key for key, count in apportion(n, shares) for _ in range(count)]
        self.rng.shuffle(items)
        return items

    def _nationality_shares(self, year: int) -> list[tuple[str, float]]:
        table = self.p["nationalities"]
        spec = table[str(year)] if str(year) in table else table["later"]
        named = [(k, float(v)) for k, v in spec.items() if k != "tail_share"]
        tail_share = float(spec.get("tail_share", 0.0))
        tail = table["tail"]
        tail_total = sum(tail.values())
        named_keys = [k for k, _ in named]
        shares = named + [(k, tail_share * w / tail_total) for k, w in tail.items()
                          if k not in named_keys]
        return shares

    def _pick_office_staff(self, case: _Case) -> None:
        rng = self.rng
        cover = OFFICE_COVER.get(case.office, "TOKYO")
        inquirers = self.inquirers_by_office.get(cover) or self.all_inquirers
        case.inquirer = rng.choice(inquirers)
        region = MANAGER_REGION.get(cover, "TOKYO")
        managers = self.managers_by_office.get(region) or self.all_managers
        case.manager = rng.choice(managers)

    # --- step 2: the cases of one year ---------------------------------------------------

    def _make_cases(self, stream) -> list[_Case]:  # noqa: ANN001
        rng, p = self.rng, self.p
        n = stream.count
        if n <= 0:
            return []
        days = self.cal.open_between(stream.start.toordinal(), stream.end.toordinal())
        if not days:
            days = [stream.start.toordinal()]
        year = stream.year
        if stream.application_type == _CP:
            nats = self._expand(list(p["nationalities"]["complementary"].items()), n)
        else:
            nats = self._expand(self._nationality_shares(year), n)
        out = []
        for i in range(n):
            case = _Case(len(self.cases) + i, stream.application_type, year, rng.choice(days),
                         nats[i])
            case.reg_sec = rng.randrange(OFFICE_SECONDS - 3600)
            case.office = self._offices.pick(rng)
            out.append(case)
        if stream.application_type == _CP:
            self._plan_cp(out)
        else:
            self._plan_refugee(out, year)
        self.cases.extend(out)
        return out

    def _plan_cp(self, cases: list[_Case]) -> None:
        rng, p = self.rng, self.p
        n = len(cases)
        statuses = self._expand(list(p["residence"]["complementary"].items()), n)
        spec = p["outcomes"]["complementary"]
        outcomes = self._expand([(_RCP, spec["recognised"]), (_NR, spec["not_recognised"]),
                                 (_WD, spec["withdrawn"])], n)
        a_share = p["sorting"]["cp_a_share"]
        for case, status, outcome in zip(cases, statuses, outcomes, strict=True):
            case.status = status
            case.outcome = outcome
            if status == _NO_STATUS:
                case.category = SortingCategory.NOT_APPLICABLE.value
            else:
                case.category = (SortingCategory.A.value if rng.random() < a_share
                                 else SortingCategory.D2.value)
            self._plan_flags(case)

    def _plan_refugee(self, cases: list[_Case], year: int) -> None:
        rng, p = self.rng, self.p
        n = len(cases)
        idx = list(range(n))
        # repeat applications, weighted towards the nationalities that reapply most
        propensity = p["repeats"]["nationality_propensity"]
        k_repeat = round(by_year(p["repeats"]["share"], year) * n)
        weights = [float(propensity.get(c.nationality, propensity["default"])) for c in cases]
        for i in self._weighted_top(idx, weights, k_repeat):
            cases[i].repeat = True
        # status of residence at filing: exact counts; repeat applicants draw first with a
        # preference for "DA refugee applicant" and no status
        shares = list(by_year(p["residence"], year).items())
        urn = dict(apportion(n, shares))
        preference = p["residence"]["repeat_preference"]
        keys = list(urn)
        for case in cases:
            if not case.repeat:
                continue
            weights = [urn[k] * preference.get(k, 1.0) for k in keys]
            if sum(weights) <= 0:
                weights = [float(urn[k]) for k in keys]
            status = rng.choices(keys, weights=weights)[0]
            urn[status] -= 1
            case.status = status
        rest = [k for k in keys for _ in range(urn[k])]
        rng.shuffle(rest)
        for case in (c for c in cases if not c.repeat):
            case.status = rest.pop()
        ceased = p["residence"]["activities_ceased"]
        for case in cases:
            case.ceased = rng.random() < ceased.get(case.status, 0.0)
        # planned outcomes: exact shares per year; recognitions concentrated by nationality
        o = p["outcomes"]
        counts = dict(apportion(n, [
            (_WD, by_year(o["withdrawn"], year)), (_REF, by_year(o["refugee"], year)),
            (_NRH, by_year(o["humanitarian"], year)),
            (_NR, 1.0 - by_year(o["withdrawn"], year) - by_year(o["refugee"], year)
             - by_year(o["humanitarian"], year)),
        ]))
        order = idx[:]
        rng.shuffle(order)
        for i in order[:counts[_WD]]:
            cases[i].outcome = _WD
        remaining = order[counts[_WD]:]
        factor = o["repeat_recognition_factor"]
        rw = o["refugee_weights"]
        weights = [rw.get(cases[i].nationality, rw["default"]) * (factor if cases[i].repeat
                                                                  else 1.0) for i in remaining]
        chosen = self._weighted_top(remaining, weights, counts[_REF])
        for i in chosen:
            cases[i].outcome = _REF
        picked = dict.fromkeys(chosen)
        remaining = [i for i in remaining if i not in picked]
        hw = dict(o["humanitarian_weights"])
        crisis = o["humanitarian_weights_myanmar_crisis"]
        if year in crisis["years"]:
            hw.update({k: v for k, v in crisis.items() if k != "years"})
        weights = [hw.get(cases[i].nationality, hw["default"]) * (factor if cases[i].repeat
                                                                  else 1.0) for i in remaining]
        for i in self._weighted_top(remaining, weights, counts[_NRH]):
            cases[i].outcome = _NRH
        # (the rest keep the default NOT_RECOGNISED)
        # planned sorting categories
        s = p["sorting"]
        lawful_first = [i for i in idx if cases[i].status != _NO_STATUS and not cases[i].repeat]
        lawful_repeat = [i for i in idx if cases[i].status != _NO_STATUS and cases[i].repeat]
        for i in idx:
            if cases[i].status == _NO_STATUS:
                cases[i].category = SortingCategory.NOT_APPLICABLE.value
        a_weight = {_REF: 50.0, _NRH: 10.0}
        k_a = round(by_year(s["a_share"], year) * len(lawful_first))
        chosen_a = self._weighted_top(
            lawful_first, [a_weight.get(cases[i].outcome, 1.0) for i in lawful_first], k_a)
        for i in chosen_a:
            cases[i].category = SortingCategory.A.value
        taken = dict.fromkeys(chosen_a)
        b_pool = [i for i in lawful_first if i not in taken and cases[i].outcome in (_NR, _WD)]
        k_b = min(len(b_pool), round(s["b_share"] * len(lawful_first)))
        for i in rng.sample(b_pool, k_b):
            cases[i].category = SortingCategory.B.value
            taken[i] = None
        for i in lawful_first:
            if i not in taken:
                cases[i].category = self._d_category(cases[i])
        c_pool = []
        for i in lawful_repeat:
            if cases[i].outcome == _REF:
                cases[i].category = SortingCategory.A.value
            else:
                c_pool.append(i)
        k_c = min(len(c_pool), round(s["c_share_of_lawful_repeats"] * len(lawful_repeat)))
        chosen_c = dict.fromkeys(rng.sample(c_pool, k_c))
        for i in c_pool:
            cases[i].category = (SortingCategory.C.value if i in chosen_c
                                 else self._d_category(cases[i]))
        for case in cases:
            self._plan_flags(case)

    @staticmethod
    def _d_category(case: _Case) -> str:
        if case.ceased or case.status == _DA_DEP:
            return SortingCategory.D1.value
        return SortingCategory.D2.value

    def _plan_flags(self, case: _Case) -> None:
        rng = self.rng
        if case.status == _NO_STATUS:
            spec = self.p["residence"]["no_status"]
            case.removal_procedure = rng.random() < spec["removal_procedure_share"]
            case.detained = case.removal_procedure and rng.random() < spec["detained_share"]
        self._pick_office_staff(case)

    # --- step 3: people ------------------------------------------------------------------

    def _new_person(self, case: _Case) -> _Person:
        rng, p = self.rng, self.p
        people = p["people"]
        male = people["male_share"].get(case.nationality, people["male_share"]["default"])
        draw = rng.random()
        sex = ("X" if draw < people["other_sex_share"] else
               "M" if draw < people["other_sex_share"] + male * (1 - people["other_sex_share"])
               else "F")
        name = namegen.make_name(rng, case.nationality, sex)
        lodged = date.fromordinal(case.lodge)
        dob: date | None = namegen.birth_date(rng, lodged, people["minor_share"],
                                              people["older_share"])
        birth_year = dob.year
        if rng.random() < people["dob_unknown_share"]:
            dob = None
        bank = namegen.tables().banks[name.bank]
        languages = [bank.languages[0]]
        if len(bank.languages) > 1 and rng.random() < 0.5:
            languages.append(bank.languages[1])
        if "en" not in languages and rng.random() < 0.12:
            languages.append("en")
        original = name.original if (name.original and rng.random()
                                     < people["name_original_recorded_share"]) else None
        person = _Person(len(self.persons), name, name.family, name.given, original, dob,
                         birth_year, sex, case.nationality, languages, len(self.persons))
        self.persons.append(person)
        person.registrations.append(case.idx)
        case.person = person.idx
        case.true_person = person.true_person
        case.app_number = 1
        case.name_entered = name.entered()
        case.dob_entered = dob
        return person

    def _link_repeat(self, case: _Case, prev: _Case) -> None:
        rng, r = self.rng, self.p["repeats"]
        case.prev = prev.idx
        case.app_number = prev.app_number + 1
        case.true_person = prev.true_person
        true = self.persons[prev.true_person]
        name = true.name
        if rng.random() < r["spelling_variant_share"]:
            variant = namegen.spelling_variant(rng, name)
            case.name_variant = True
        else:
            variant = namegen.Variant(name.family, name.given, False)
        entered = variant.entered(name.order)
        dob = true.dob
        dob_entered = dob
        if dob is not None:
            draw = rng.random()
            if draw < r["dob_swapped_share"]:
                swapped = namegen.swap_day_month(dob)
                if swapped is not None:
                    dob_entered = swapped
                    case.dob_swapped = True
            elif draw < r["dob_swapped_share"] + r["dob_year_only_share"]:
                dob_entered = None
                case.dob_year_only = True
        case.name_entered = entered
        case.dob_entered = dob_entered
        if rng.random() < r["reuse_person_share"]:
            case.reuse = True
            row = self.persons[prev.person]
            registered = format_registered(row)
            if entered != registered and entered not in row.aliases:
                row.aliases.append(entered)
            row.registrations.append(case.idx)
            case.person = row.idx
        else:
            family, given = ((variant.given, variant.family) if variant.swapped and variant.given
                             else (variant.family, variant.given))
            keep_original = true.original if rng.random() < 0.7 else None
            row = _Person(len(self.persons), name, family, given, keep_original, dob_entered,
                          true.birth_year, true.sex, true.nationality, list(true.languages),
                          true.true_person)
            self.persons.append(row)
            row.registrations.append(case.idx)
            case.person = row.idx
        if case.app_number >= 3:
            case.materials = rng.random() < r["reasonable_grounds_share"]
            if not case.materials and case.lodge >= self.exception_from:
                case.suspension = RemovalSuspension.EXCEPTION_THIRD_APPLICATION.value

    def _history_case(self, case: _Case) -> _Case:
        """An earlier application of the person behind ``case``, lodged from 2018 and
        closed (not recognised) before ``case`` was lodged."""
        rng, p = self.rng, self.p
        gap = p["repeats"]["min_gap_days"]
        low = self.history_start.toordinal()
        window_start = date(p["window"]["first_year"], 1, 1).toordinal()
        final_by = case.lodge - rng.randint(gap + 15, 90 if case.lodge < window_start + 240
                                            else 420)
        final_by = max(final_by, low + 240)
        high = max(low, min(final_by - 220, window_start - 1))
        days = self.cal.open_between(low, high + 1) or [self.cal.snap(low)]
        lodged = rng.choice(days)
        year = date.fromordinal(lodged).year
        history = _Case(len(self.cases), _REFUGEE, year, lodged, case.nationality)
        self.cases.append(history)
        history.history = True
        history.reg_sec = rng.randrange(OFFICE_SECONDS - 3600)
        history.office = case.office
        shares = list(by_year(p["residence"], p["window"]["first_year"]).items())
        history.status = rng.choices([k for k, _ in shares], weights=[w for _, w in shares])[0]
        if history.status == ResidenceStatus.DA_REFUGEE_APPLICANT.value:
            history.status = ResidenceStatus.TEMPORARY_VISITOR.value
        history.ceased = rng.random() < p["residence"]["activities_ceased"].get(
            history.status, 0.0)
        history.outcome = _NR
        if history.status == _NO_STATUS:
            history.category = SortingCategory.NOT_APPLICABLE.value
        elif rng.random() < 0.05:
            history.category = SortingCategory.B.value
        else:
            history.category = self._d_category(history)
        self._plan_flags(history)
        self._new_person(history)
        self._simulate_history(history, final_by)
        self._narrate(history)
        return history

    # --- step 3: events ------------------------------------------------------------------

    def _decision_days(self, case: _Case) -> float:
        rng, d = self.rng, self.p["processing"]["decision"]
        if case.app_type == _CP:
            median, sigma = d["cp_median_months"], d["cp_sigma"]
        else:
            median, sigma = by_year(d["median_months"], case.year), d["sigma"]
            if case.category == _CAT_B:
                median *= d["b_factor"]
            elif case.category == _CAT_C:
                median *= d["c_factor"]
        return rng.lognormvariate(math.log(median * _MONTH_DAYS), sigma)

    def _measure(self, case: _Case) -> str:
        category = SortingCategory(case.category)
        if category == SortingCategory.NOT_APPLICABLE:
            share = self.p["residence"]["no_status"]["provisional_stay_share"]
            return (ResidenceMeasure.PROVISIONAL_STAY.value if self.rng.random() < share
                    else ResidenceMeasure.NO_STATUS.value)
        return DEFAULT_MEASURE[category].value

    def _apply(self, case: _Case, action: str, actor: int | None, **data: Any) -> None:
        """The effects of ``action`` on the case's fields (mirrors workflow.py)."""
        if action == "confirm_sorting":
            case.f_category = case.category
            case.f_measure = data["measure"]
        elif action == "draft_decision":
            case.f_outcome = data["outcome"]
            case.drafted_by = actor
        elif action == "return_draft":
            case.f_outcome = None
            case.drafted_by = None
        elif action == "serve_notice":
            case.notice = data["day"]
        elif action == "withdraw":
            case.f_outcome = _WD
        elif action == "file_review":
            case.review_basis = ReviewBasis.NON_RECOGNITION.value
            case.filed = data["filed"]
            case.late_reason = (data["reason"]
                                if data["filed"] > self.cal.review_deadline(case.notice) else None)
        elif action == "record_ruling":
            case.ruling = data["ruling"]
            if data["ruling"] == ReviewRuling.GRANTED.value:
                case.f_outcome = _RCP if case.app_type == _CP else _REF
        elif action == "withdraw_review":
            case.ruling = ReviewRuling.WITHDRAWN.value

    def _run(self, case: _Case, tl: _Timeline, steps: list[tuple]) -> bool:
        """Add ``steps`` (action, day, actor, reason, data) until the cut-off; True when all
        were added."""
        for action, day, actor, reason, data in steps:
            used = tl.add(action, day, actor, reason)
            if used is None:
                return False
            if data is not None or action in ("return_draft", "withdraw", "withdraw_review"):
                self._apply(case, action, actor, day=used, **(data or {}))
        return True

    def _draft_outcome(self, case: _Case) -> str:
        if case.outcome == _WD:
            return _RCP if case.app_type == _CP and self.rng.random() < 0.5 else _NR
        return case.outcome

    def _simulate(self, case: _Case) -> None:
        rng, cal = self.rng, self.cal
        d = self.p["processing"]["decision"]
        s = self.p["sorting"]
        inq, mgr = case.inquirer, case.manager
        tl = _Timeline(case, cal, rng, self.cutoff)
        lodge = case.lodge
        tl.add("register", lodge, inq, sec=case.reg_sec)
        start = lodge if rng.random() < s["start_same_day_share"] else lodge + rng.randint(
            1, s["start_max_days"])
        sort_deadline = cal.sorting_deadline(lodge)
        if rng.random() < s["late_share"]:
            confirm = sort_deadline + rng.randint(1, s["late_extra_days_max"])
        else:
            confirm = rng.randint(min(start + 1, sort_deadline), sort_deadline)
        drawn = self._decision_days(case)
        case.decision_days_drawn = drawn
        serve = lodge + max(int(round(drawn)),
                            confirm - lodge + d["min_days_after_sorting"] + rng.randint(0, 30))
        case.decision_days = serve - lodge
        approve = serve - rng.randint(*d["approve_before_notice_days"])
        draft = approve - rng.randint(*d["draft_before_notice_days"])
        if draft <= confirm:
            draft = confirm + max(1, (approve - confirm) // 2)
        draft_outcome = self._draft_outcome(case)
        steps: list[tuple] = [
            ("start_sorting", start, inq, None, None),
            ("confirm_sorting", confirm, inq, None, {"measure": self._measure(case)}),
        ]
        if rng.random() < d["return_draft_share"]:
            first = max(confirm + 2, draft - rng.randint(20, 60))
            back = first + rng.randint(3, 15)
            if back < draft:
                steps += [("draft_decision", first, inq, None, {"outcome": draft_outcome}),
                          ("return_draft", back, mgr, narratives.reason(rng, "return_draft"),
                           None)]
        steps += [
            ("draft_decision", draft, inq, None, {"outcome": draft_outcome}),
            ("approve_decision", approve, mgr, None, None),
            ("serve_notice", serve, inq, None, {}),
        ]
        if case.outcome == _WD:
            low, high = d["withdraw_fraction"]
            when = lodge + max(1, int((serve - lodge) * rng.uniform(low, high)))
            steps = [step for step in steps if step[1] < when]
            steps.append(("withdraw", when, inq, narratives.reason(rng, "withdraw"), None))
        if not self._run(case, tl, steps):
            return
        if case.state == _FINAL:
            case.final_day = tl.day
            return
        self._after_notice(case, tl)

    def _after_notice(self, case: _Case, tl: _Timeline, final_by: int | None = None,
                      history_review: bool = False) -> None:
        rng, cal = self.rng, self.cal
        d = self.p["processing"]["decision"]
        rv = self.p["review"]
        inq, mgr = case.inquirer, case.manager
        notice = case.notice
        reviewable = case.f_outcome in (_NR, _NRH) or (
            case.f_outcome == _RCP and case.app_type == _REFUGEE)
        if not reviewable:
            self._run(case, tl, [("close_case", notice + rng.randint(*d["close_recognised_days"]),
                                  inq, None, None)])
            self._finish(case, tl)
            return
        deadline = cal.review_deadline(notice)
        history = final_by is not None
        if history:
            files = history_review
        else:
            share = (rv["file_share_humanitarian"] if case.f_outcome == _NRH
                     else rv["file_share_not_recognised"])
            files = rng.random() < share
        if not files:
            close = (max(final_by, deadline + 1) if history
                     else deadline + rng.randint(*d["close_after_window_days"]))
            self._run(case, tl, [("close_case", close, inq, None, None)])
            self._finish(case, tl)
            return
        steps: list[tuple] = []
        late_reason = None
        if not history and rng.random() < rv["late_share"]:
            filed = cal.snap(deadline + rng.randint(1, rv["late_days_max"]))
            late_reason = narratives.reason(rng, "late_review")
            if rng.random() < 0.5:
                close = deadline + rng.randint(1, 10)
                if close < filed:
                    steps.append(("close_case", close, inq, None, None))
        else:
            options = cal.open_between(notice + 1, deadline + 1)
            filed = rng.choice(options) if options else deadline
        record = filed + rng.randint(*rv["record_delay_days"])
        steps.append(("file_review", record, inq, late_reason,
                      {"filed": filed, "reason": late_reason}))
        if history:
            ruling_day = final_by - rng.randint(3, 8)
        else:
            median = by_year(rv["median_months"], date.fromordinal(filed).year)
            ruling_day = record + max(30, int(rng.lognormvariate(
                math.log(median * _MONTH_DAYS), rv["sigma"])))
        case.review_days = ruling_day - filed
        assign = record + rng.randint(*rv["assign_days"])
        if assign >= ruling_day - 10:
            assign = record + max(1, (ruling_day - record) // 4)
        hearing = assign + int((ruling_day - assign) * rng.uniform(0.3, 0.75))
        opinion = hearing + int((ruling_day - hearing) * rng.uniform(0.5, 0.95))
        held = rng.random() < rv["hearing_held_share"]
        draw = rng.random()
        if history or draw >= rv["granted_share"] + rv["inadmissible_share"]:
            ruling = ReviewRuling.DISMISSED_MERITS.value
        elif draw < rv["granted_share"]:
            ruling = ReviewRuling.GRANTED.value
        else:
            ruling = ReviewRuling.DISMISSED_INADMISSIBLE.value
        close = final_by if history else ruling_day + rng.randint(*rv["close_days"])
        review = [
            ("assign_panel", assign, mgr, None, None),
            ("hold_hearing", hearing, mgr, None, None) if held else
            ("skip_hearing", hearing, mgr, narratives.reason(rng, "skip_hearing"), None),
            ("submit_panel_opinion", opinion, mgr, None, None),
            ("record_ruling", ruling_day, mgr, None, {"ruling": ruling}),
            ("close_review", close, mgr, None, None),
        ]
        if not history and rng.random() < rv["withdrawn_share"]:
            when = record + max(1, int((ruling_day - record) * rng.uniform(0.1, 1.0)))
            review = [step for step in review[:3] if step[1] < when]
            review += [("withdraw_review", when, mgr, narratives.reason(rng, "withdraw_review"),
                        None),
                       ("close_review", when + rng.randint(*rv["close_days"]), mgr, None, None)]
        self._run(case, tl, steps + review)
        self._finish(case, tl)

    @staticmethod
    def _finish(case: _Case, tl: _Timeline) -> None:
        if case.state == _FINAL:
            case.final_day = tl.day

    def _simulate_history(self, case: _Case, final_by: int) -> None:
        """Events of a history case: a natural course (decision, then perhaps a review)
        compressed where needed so that it is closed by ``final_by``."""
        rng = self.rng
        d, rv = self.p["processing"]["decision"], self.p["review"]
        inq, mgr = case.inquirer, case.manager
        tl = _Timeline(case, self.cal, rng, self.cutoff)
        lodge = case.lodge
        tl.add("register", lodge, inq, sec=case.reg_sec)
        span = final_by - lodge
        confirm = lodge + min(55, max(5, span // 10))
        decision = rng.lognormvariate(math.log(by_year(d["median_months"], case.year)
                                               * _MONTH_DAYS), d["sigma"])
        with_review = rng.random() < 0.65
        review = rng.lognormvariate(math.log(by_year(rv["median_months"], case.year)
                                             * _MONTH_DAYS), rv["sigma"])
        tail = 25 + review if with_review else 25
        if decision + tail > span:
            decision = max(confirm - lodge + 10, (span - 25) * decision / (decision + tail))
            end = final_by
        else:
            end = lodge + int(decision + tail)
        serve = max(lodge + int(decision), confirm + 10)
        if end - serve < 90:
            with_review = False
        approve = serve - rng.randint(1, 4)
        draft = max(confirm + 2, approve - rng.randint(3, 20))
        case.decision_days_drawn = float(serve - lodge)
        case.decision_days = serve - lodge
        steps = [
            ("start_sorting", lodge + rng.randint(0, 3), inq, None, None),
            ("confirm_sorting", confirm, inq, None, {"measure": self._measure(case)}),
            ("draft_decision", draft, inq, None, {"outcome": _NR}),
            ("approve_decision", approve, mgr, None, None),
            ("serve_notice", serve, inq, None, {}),
        ]
        self._run(case, tl, steps)
        self._after_notice(case, tl, final_by=max(end, serve + 20), history_review=with_review)

    # --- step 3: narratives --------------------------------------------------------------

    def _theme_pools(self, case: _Case, person: _Person) -> tuple[_Weighted, _Weighted,
                                                                   _Weighted]:
        """(primary, second-if-primary-is-a-Convention-or-conflict-theme, second-otherwise)
        theme pools for a case; cached by what they depend on."""
        if case.app_type == _CP:
            mode = "cp"
        elif case.outcome in (_REF, _NRH):
            mode = case.outcome
        elif case.category in (_CAT_A, _CAT_B):
            mode = case.category
        else:
            mode = "other"
        key = (case.nationality, person.name.bank, person.sex == "F", mode)
        pools = self._theme_cache.get(key)
        if pools is not None:
            return pools
        kinds = self.blocks.kinds
        prof = narratives.profile(case.nationality)
        default = narratives.profile("default")
        every = dict(prof.get("themes") or default["themes"])
        strong = dict(prof.get("strong") or default["strong"])
        if mode == "cp":
            pool = {"CONFLICT": 1.0}
        elif mode == _REF:
            pool = {k: v for k, v in strong.items() if kinds[k] == "convention"}
        elif mode == _NRH:
            pool = dict(strong)
            pool["CONFLICT"] = pool.get("CONFLICT", 0) + 1.5
        elif mode == _CAT_A:
            pool = dict(strong)
            pool["CONFLICT"] = pool.get("CONFLICT", 0) + 1.0
        elif mode == _CAT_B:
            pool = {k: v for k, v in every.items() if kinds[k] == "non_convention"}
        else:
            pool = every
        excluded = list(prof.get(f"exclude_{person.name.bank}", []))
        if person.sex != "F":
            excluded.append("GENDER")
        pool = {k: v for k, v in pool.items() if k not in excluded}
        every = {k: v for k, v in every.items() if k not in excluded}
        if not pool:
            pool = {k: v for k, v in default["themes"].items() if kinds[k] == "non_convention"}
        non_convention = {k: v for k, v in every.items() if kinds[k] == "non_convention"}
        convention = {k: v for k, v in every.items() if kinds[k] == "convention"}
        if mode in ("cp", _CAT_B):
            convention = non_convention
        pools = (_Weighted(pool), _Weighted(non_convention), _Weighted(convention))
        self._theme_cache[key] = pools
        return pools

    def _fresh_themes(self, case: _Case, person: _Person, length: str) -> tuple[str, ...]:
        rng = self.rng
        primary_pool, after_convention, after_other = self._theme_pools(case, person)
        primary = primary_pool.pick(rng)
        if length == "short" or rng.random() >= self.p["narratives"]["mix_share"]:
            return (primary,)
        second_pool = (after_other if self.blocks.kinds[primary] == "non_convention"
                       else after_convention)
        second = second_pool.pick_other(rng, primary)
        return (primary,) if second is None else (primary, second)

    def _narrate(self, case: _Case) -> None:
        rng = self.rng
        voice = self._voices.pick(rng)
        length = self._lengths.pick(rng)
        person = self.persons[case.person]
        repeat = None
        if case.prev is not None:
            prior = self.cases[case.prev].narrative
            if case.category == _CAT_C:
                themes = prior.themes if length != "short" else prior.themes[:1]
                repeat = "new" if rng.random() < 0.15 else "same"
            elif rng.random() < 0.6:
                themes = prior.themes if length != "short" else prior.themes[:1]
                repeat = "new"
            else:
                themes = self._fresh_themes(case, person, length)
                repeat = "new"
        else:
            themes = self._fresh_themes(case, person, length)
        nth_words = self.blocks.slots["nth"]
        lodged = date.fromordinal(case.lodge)
        dob = person.dob or date(person.birth_year, 7, 1)
        context = {
            "name": case.name_entered,
            "country": self.blocks.country_names.get(case.nationality, case.nationality),
            "age": max(1, lodged.year - dob.year - ((lodged.month, lodged.day)
                                                    < (dob.month, dob.day))),
            "sex": person.sex,
            "residence_status": case.status,
            "lodged_year": lodged.year,
            "nth": nth_words[min(len(nth_words), case.app_number - 1) - 1]
            if case.app_number >= 2 else "first",
            "profile": narratives.profile(case.nationality),
            "bank": person.name.bank,
        }
        case.narrative = narratives.compose(rng, voice=voice, length=length, themes=themes,
                                            context=context, repeat=repeat)

    # --- the run -------------------------------------------------------------------------

    def run(self, first_person_id: int, first_application_id: int) -> GeneratedData:
        rng, p = self.rng, self.p
        window: list[_Case] = []
        for stream in allocate(self.requested, self.as_of, p):
            window.extend(self._make_cases(stream))
        window.sort(key=lambda c: (c.lodge, c.reg_sec, c.idx))
        gap = p["repeats"]["min_gap_days"]
        third = p["repeats"]["third_plus_preference"]
        pools: dict[str, tuple[list[int], list[int]]] = {}
        eligible: list[tuple[int, int]] = []
        for case in window:
            while eligible and eligible[0][0] <= case.lodge:
                _, j = heapq.heappop(eligible)
                done = self.cases[j]
                pools.setdefault(done.nationality, ([], []))[
                    0 if done.app_number == 1 else 1].append(j)
            if case.repeat:
                firsts, multiples = pools.get(case.nationality, ([], []))
                use = None
                if multiples and (not firsts or rng.random() < third):
                    use = multiples
                elif firsts:
                    use = firsts
                if use is not None:
                    k = rng.randrange(len(use))
                    use[k], use[-1] = use[-1], use[k]
                    prev = self.cases[use.pop()]
                else:
                    prev = self._history_case(case)
                self._link_repeat(case, prev)
            else:
                self._new_person(case)
            self._simulate(case)
            self._narrate(case)
            if case.final_day is not None and case.f_outcome == _NR:
                heapq.heappush(eligible, (case.final_day + gap, case.idx))
        return self._emit(first_person_id, first_application_id)

    # --- output --------------------------------------------------------------------------

    def _emit(self, first_person_id: int, first_application_id: int) -> GeneratedData:
        fromtimestamp = datetime.fromtimestamp

        def stamp(day: int, sec: int) -> datetime:
            return fromtimestamp((day - _EPOCH) * 86400 + sec, UTC)

        order = sorted(self.cases, key=lambda c: (c.events[0][5], c.events[0][6], c.idx))
        app_id = {c.idx: first_application_id + n for n, c in enumerate(order)}
        person_first = {}
        for c in order:
            person_first.setdefault(c.person, c)
        person_order = sorted(person_first, key=lambda pi: (
            person_first[pi].events[0][5], person_first[pi].events[0][6], pi))
        person_id = {pi: first_person_id + n for n, pi in enumerate(person_order)}

        persons = []
        for pi in person_order:
            row = self.persons[pi]
            cases = [self.cases[ci] for ci in row.registrations]
            first, last = cases[0], cases[-1]
            persons.append({
                "id": person_id[pi],
                "family_name": row.family,
                "given_names": row.given,
                "name_original": row.original,
                "name_kana": (kana := katakana.reading_of(row.name)) or None,
                "name_kanji": (kanji := katakana.kanji_of(row.name)),
                "name_reading_key": search_key(kana, kanji),
                "date_of_birth": row.dob,
                "birth_year": row.birth_year,
                "sex": row.sex,
                "nationality": row.nationality,
                "aliases": list(row.aliases),
                "languages": list(row.languages),
                "version": len(cases),
                "created_at": stamp(first.events[0][5], first.events[0][6]),
                "updated_at": stamp(last.events[0][5], last.events[0][6]),
                "updated_by_id": last.inquirer if len(cases) > 1 else None,
            })

        applications, events, truth = [], [], []
        for c in order:
            aid = app_id[c.idx]
            last = c.events[-1]
            lodged = date.fromordinal(c.lodge)
            applications.append({
                "id": aid,
                "case_number": f"{self.office_codes.get(c.office, 'TOK')}-{lodged.year}-{aid:07d}",
                "person_id": person_id[c.person],
                "nationality": self.persons[c.person].nationality,
                "application_number": c.app_number,
                "previous_application_id": app_id[c.prev] if c.prev is not None else None,
                "application_type": c.app_type,
                "lodged_date": lodged,
                "office": c.office,
                "residence_status_at_filing": c.status,
                "activities_ceased": c.ceased,
                "removal_procedure": c.removal_procedure,
                "detained": c.detained,
                "claim_narrative": c.narrative.text,
                "claim_language": "en",
                "name_as_entered": c.name_entered,
                "date_of_birth_as_entered": c.dob_entered,
                "reasonable_grounds_materials": c.materials,
                "sorting_category": c.f_category,
                "residence_measure": c.f_measure,
                "removal_suspension": c.suspension,
                # Newly received cases wait in the manager's queue for an inquirer.
                "assigned_inquirer_id": None if c.state == _RECEIVED else c.inquirer,
                "state": c.state,
                "outcome": c.f_outcome,
                "decision_drafted_by_id": c.drafted_by,
                "notice_date": date.fromordinal(c.notice) if c.notice is not None else None,
                "review_basis": c.review_basis,
                "review_filed_date": date.fromordinal(c.filed) if c.filed is not None else None,
                "review_late_reason": c.late_reason,
                "review_ruling": c.ruling,
                **_milestones(c.events),
                "version": len(c.events),
                "created_at": stamp(c.events[0][5], c.events[0][6]),
                "updated_at": stamp(last[5], last[6]),
                "updated_by_id": last[3],
            })
            for action, from_state, to_state, actor, reason, day, sec in c.events:
                events.append({
                    "application_id": aid,
                    "action": action,
                    "from_state": from_state,
                    "to_state": to_state,
                    "actor_id": actor,
                    "reason": reason,
                    "occurred_at": stamp(day, sec),
                })
            truth.append({
                "application_id": aid,
                "true_person": c.true_person,
                "history": c.history,
                "nationality": c.nationality,
                "repeat": c.prev is not None,
                "planned_outcome": c.outcome,
                "planned_category": c.category,
                "decision_days_drawn": c.decision_days_drawn,
                "decision_days": c.decision_days,
                "review_days": c.review_days,
                "themes": c.narrative.themes,
                "voice": c.narrative.voice,
                "length": c.narrative.length,
                "repeat_narrative": c.narrative.repeat,
                "name_variant": c.name_variant,
                "dob_swapped": c.dob_swapped,
                "dob_year_only": c.dob_year_only,
                "reuses_person_row": c.reuse,
            })
        return GeneratedData(self.requested, self.seed, self.as_of, persons, applications,
                             events, truth)


def _milestones(case_events: list[tuple]) -> dict[str, date | None]:
    """Milestone columns from the case's events, as the workflow writes them."""
    current: dict[str, date | None] = dict.fromkeys(MILESTONE_COLUMNS)
    for action, _from, _to, _actor, _reason, day, _sec in case_events:
        current.update(milestone_updates(current, action, date.fromordinal(day)))
    return current


def format_registered(row: _Person) -> str:
    """The spelling a Person row was registered under, written in its usual order."""
    return namegen.format_name(row.family, row.given, row.name.order)


def generate(
    cases: int,
    seed: int,
    as_of: date | None = None,
    *,
    actors: DemoActors | None = None,
    first_person_id: int = 1,
    first_application_id: int = 1,
    settings: Settings | None = None,
) -> GeneratedData:
    """Generate ``cases`` applications lodged from 2019 up to (not including) ``as_of``,
    plus the few earlier history applications their repeat applicants need.

    Pure: touches no database. Same arguments, same result.
    """
    settings = settings or get_settings()
    as_of = as_of or clock.today(settings)
    generator = _Generator(cases, seed, as_of, actors or DemoActors.default(), settings)
    return generator.run(first_person_id, first_application_id)


__all__ = ["OFFICE_SECONDS", "DemoActors", "GeneratedData", "generate"]
