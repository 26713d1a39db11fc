"""Step 2 of the demo generator: the cases of one year, with nationality, status of residence,
repeat flag, planned outcome and sorting category assigned in exact proportions, and the
office staff each case goes to.
"""

from __future__ import annotations

import math

from models.enums import SortingCategory
from workbench.demo.accounts import MANAGER_REGION, OFFICE_COVER
from workbench.demo.parameters import apportion, by_year
from workbench.demo.records import (
    _CP,
    _DA_DEP,
    _NO_STATUS,
    _NR,
    _NRH,
    _RCP,
    _REF,
    _WD,
    OFFICE_SECONDS,
    _Case,
)


class _Planning:
    """The generator's drawing helpers and the planning of each year's cases."""

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
