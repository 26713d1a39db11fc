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

import heapq
import random
from datetime import date

from workbench.core import clock
from workbench.core.settings import Settings, get_settings
from workbench.demo import narratives
from workbench.demo.narration import _Narration
from workbench.demo.parameters import allocate, parameters
from workbench.demo.people import _People
from workbench.demo.planning import _Planning
from workbench.demo.records import _NR, DemoActors, GeneratedData, _Case, _Person, _Weighted
from workbench.demo.rows import _Rows
from workbench.demo.simulation import _Simulation
from workbench.demo.timeline import _Calendar


class _Generator(_Planning, _People, _Simulation, _Narration, _Rows):
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


__all__ = ["generate"]
