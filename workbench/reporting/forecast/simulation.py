"""The simulation: many runs of the office's next months, week by week, all runs at once.

Each run draws the week's arrivals (Poisson, at the rates of the history changed by the
scenario) and each office's examination capacity (a week of the office's recent completions,
drawn at random, scaled by the inquirers the scenario adds or removes; an office never
completes more cases than it holds, and with fewer cases than inquirers some sit idle).
Cases move through the stages:

1. **sorting**: a delay drawn from the recent times from lodging to sorting;
2. **examination**: a queue per examining office, served in the scenario's order (oldest
   lodging month first, or a priority class first and oldest first within it), as many a
   week as the capacity drawn; pending cases are withdrawn at the recent weekly rate;
3. **approval**: a delay drawn from the recent times from draft to notice;
4. **review**: a share of the decisions is brought to review, into one queue ruled at the
   recent weekly rate.

The queue holds counts per lodging month, so a run costs the same for 3,000 applications or
3 million. After the forecast's months the runs go on (without being reported) until the
applications lodged in the forecast's last month have been decided, so their time to
decision is known; where most runs do not get there, the figure is reported as censored.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from workbench.core import clock
from workbench.reporting.forecast.history import KINDS, History, month_index, month_start
from workbench.reporting.forecast.result import (
    FIRST_INSTANCE,
    STAGES,
    Band,
    CohortPoint,
    Inputs,
    MonthPoint,
)
from workbench.reporting.forecast.scenarios import ALL_GROUPS, Scenario

WEEKS_PER_MONTH = 365.25 / 12 / 7
#: Months simulated after the forecast's last month so that its applications are decided.
TAIL_MONTHS = 36
#: Quantiles of a lodging month over which the share within the standard period is taken.
_SHARE_GRID = np.linspace(0.025, 0.975, 20)

Progress = Callable[[float, str], None]


def _ranks(priority: str) -> np.ndarray:
    """The priority class (0 first) of each kind under ``priority``."""
    if priority == "bc_first":
        return np.array([0 if bc else 1 for bc, _ in KINDS])
    if priority == "repeat_first":
        return np.array([0 if repeat else 1 for _, repeat in KINDS])
    return np.zeros(len(KINDS), dtype=int)


def _by_class(array: np.ndarray, ranks: np.ndarray, classes: int) -> np.ndarray:
    """Sum the kind axis (axis 1) of ``array`` [Q, 4, ...] into priority classes."""
    out = np.zeros((array.shape[0], classes, *array.shape[2:]))
    for k, rank in enumerate(ranks):
        out[:, rank] += array[:, k]
    return out


def _serve(x: np.ndarray, capacity: np.ndarray, alpha: float) -> np.ndarray:
    """What each queue (x [R, Q, P, C]) completes with ``capacity`` [R, Q]: the share
    ``alpha`` in order (first priority class first, oldest lodging month first within it),
    the rest across the lodging months in proportion to what waits, class by class."""
    runs, n_q, classes, cohorts = x.shape
    flat = x.reshape(runs, n_q, classes * cohorts)
    before = np.cumsum(flat, axis=2) - flat
    served = np.clip(alpha * capacity[:, :, None] - before, 0.0, flat)
    left = capacity - served.sum(axis=2)
    if alpha < 1.0:
        served = served.reshape(runs, n_q, classes, cohorts)
        for p in range(classes):
            rest = x[:, :, p] - served[:, :, p]
            size = rest.sum(axis=2)
            take = np.minimum(np.maximum(left, 0.0), size)
            with np.errstate(divide="ignore", invalid="ignore"):
                share = np.where(size > 0, take / size, 0.0)
            served[:, :, p] += rest * share[:, :, None]
            left = left - take
    return served.reshape(x.shape)


def _residual(pmf: np.ndarray, age: float) -> np.ndarray:
    """What is left of a delay ``pmf`` (in weeks) for a case already ``age`` weeks in it."""
    start = int(math.floor(age)) + 1
    rest = pmf[start:] if start < len(pmf) else np.zeros(0)
    if rest.sum() <= 0:
        out = np.zeros(3)
        out[:] = 1 / 3  # overdue: sorted within the next weeks
        return out
    return rest / rest.sum()


def _forward(pmf: np.ndarray) -> np.ndarray:
    """The time left, for cases found in a stage on a given day (forward recurrence time)."""
    survival = pmf[::-1].cumsum()[::-1]
    return survival / survival.sum()


def _band(values: np.ndarray) -> Band:
    finite = values[np.isfinite(values)]
    if finite.size * 2 <= values.size:
        return Band(None, None, None)
    big = 1e300  # stands for "not reached": sorts last, read back as None
    low, median, high = np.percentile(np.where(np.isfinite(values), values, big),
                                      [10, 50, 90], method="nearest")
    return Band(*(float(v) if v < big else None for v in (median, low, high)))


def _quantile_steps(cum: np.ndarray, q: float) -> np.ndarray:
    """For each run (axis 0 of ``cum`` [R, T], a share decided by the end of each week), the
    week (fractional) by which the share ``q`` was decided; inf where it never is."""
    reached = cum >= q
    first = reached.argmax(axis=1)
    ok = reached.any(axis=1)
    before = np.where(first > 0, cum[np.arange(cum.shape[0]), first - 1], 0.0)
    at = cum[np.arange(cum.shape[0]), first]
    frac = np.where(at > before, (q - before) / np.maximum(at - before, 1e-12), 1.0)
    steps = first + np.clip(frac, 0, 1)  # week ``first`` ends at first + 1
    return np.where(ok, steps, np.inf)


@dataclass
class Trajectories:
    """The runs week by week: totals per stage [T, R], completions and decisions per lodging
    month [T, R, C], arrivals and withdrawals per lodging month [R, C]."""

    weeks: int
    stages: dict[str, np.ndarray]
    completed: np.ndarray
    decided: np.ndarray
    decided_total: np.ndarray
    lodged: np.ndarray
    withdrawn: np.ndarray


def simulate(history: History, scenario: Scenario, *, runs: int = 200, months: int = 12,
             seed: int = 2024, standard_months: int = 6, tail_months: int = TAIL_MONTHS,
             progress: Progress | None = None) -> tuple[list[MonthPoint], list[CohortPoint]]:
    """Run the forecast; return the month ends and the lodging months."""
    weeks = int(math.ceil((months + 1 + tail_months) * WEEKS_PER_MONTH))
    runs_ = run_weeks(history, scenario, runs=runs, weeks=weeks, seed=seed, progress=progress)
    points = _month_points(history, months, runs_.stages, runs_.decided, runs_.decided_total,
                           weeks)
    lodging = _cohort_points(history, months, runs_.lodged, runs_.withdrawn, runs_.decided,
                             standard_months, weeks)
    if progress:
        progress(1.0, "done")
    return points, lodging


def run_weeks(history: History, scenario: Scenario, *, runs: int, weeks: int, seed: int = 2024,
              progress: Progress | None = None, by_month: bool = True) -> Trajectories:
    """``runs`` runs of ``weeks`` weeks from the history's day. Without ``by_month`` the
    completions and decisions are kept as totals (a lodging-month axis of one)."""
    h, rng = history, np.random.default_rng(seed)
    ranks = _ranks(scenario.priority)
    alpha = 1.0 if scenario.priority == "oldest" else h.oldest_first
    classes = int(ranks.max()) + 1
    n_q = len(h.queues)
    last_past = h.months  # lodging months before and including the as-of month
    as_of = h.as_of
    cohorts = month_index(as_of + timedelta(days=7 * weeks + 3)) - h.first_month + 1

    # Lodging month of each week's arrivals (a week counts in the month of its middle day).
    week_cohort = np.array([month_index(as_of + timedelta(days=7 * t + 3)) - h.first_month
                            for t in range(weeks)])
    week_cohort = np.minimum(week_cohort, cohorts - 1)

    # Arrival rates per queue and priority class, after the scenario's changes.
    factor = np.ones(len(h.groups))
    everyone = scenario.arrivals.get(ALL_GROUPS, 0.0)
    for i, group in enumerate(h.groups):
        factor[i] = max(0.0, 1 + (everyone + scenario.arrivals.get(group, 0.0)) / 100)
    rate = _by_class((h.arrivals * factor[None, :, None]).sum(axis=1), ranks, classes)

    # Capacity per queue: the recent weeks, scaled by the inquirers added or removed.
    per_inquirer = (h.capacity_weeks.mean(axis=1).sum() / h.inquirers.sum()
                    if h.inquirers.sum() else 0.0)
    scale = np.ones(n_q)
    extra = np.zeros(n_q)  # mean weekly capacity of inquirers added where there were none
    servers = np.maximum(h.inquirers.copy(), 1.0)
    for office, change in scenario.inquirers.items():
        if office not in h.queues:
            continue
        q = h.queues.index(office)
        if h.inquirers[q] > 0:
            scale[q] = max(0.0, h.inquirers[q] + change) / h.inquirers[q]
        elif change > 0:
            extra[q] = change * per_inquirer
        servers[q] = max(1.0, h.inquirers[q] + change)

    # The existing backlog.
    sorting_len = len(h.sorting_pmf)
    x = np.zeros((runs, n_q, classes, cohorts))
    x[:, :, :, :last_past] = _by_class(h.examination, ranks, classes)[None]
    unsorted = _by_class(h.unsorted, ranks, classes)
    ages = h.unsorted_age
    start_inflow = np.zeros((sorting_len + 3, n_q, classes, cohorts))
    for q in range(n_q):
        for k, rank in enumerate(ranks):
            for m in np.nonzero(h.unsorted[q, k])[0]:
                rest = _residual(h.sorting_pmf, ages[q, k, m])
                start_inflow[:len(rest), q, rank, m] += h.unsorted[q, k, m] * rest
    del unsorted
    approval_forward = _forward(h.approval_pmf)
    approval_start = _by_class(h.approval, ranks, classes).sum(axis=(0, 1))  # [M]

    arrivals = np.zeros((weeks, runs, n_q, classes))
    lodged = np.zeros((runs, cohorts))
    withdrawn = np.zeros((runs, cohorts))
    completed = np.zeros((weeks, runs, cohorts if by_month else 1), dtype=np.float32)
    exam_total = np.zeros((weeks, runs))
    sorting_total = np.zeros((weeks, runs))
    sorting_now = np.full(runs, float(h.unsorted.sum()))
    cap_weeks = h.capacity_weeks
    cap_mean = cap_weeks.mean(axis=1) * scale + extra
    nonzero_pmf = [(d, p) for d, p in enumerate(h.sorting_pmf) if p > 0]
    report_every = max(1, weeks // 20)
    for t in range(weeks):
        arrivals[t] = rng.poisson(rate[None], size=(runs, n_q, classes))
        lodged[:, week_cohort[t]] += arrivals[t].sum(axis=(1, 2))
        sorting_now += arrivals[t].sum(axis=(1, 2))
        inflow_total = np.zeros(runs)
        for d, p in nonzero_pmf:
            if t - d < 0:
                break
            amount = arrivals[t - d] * p
            x[:, :, :, week_cohort[t - d]] += amount
            inflow_total += amount.sum(axis=(1, 2))
        if t < len(start_inflow):
            x += start_inflow[t][None]
            inflow_total += start_inflow[t].sum()
        sorting_now = np.maximum(sorting_now - inflow_total, 0.0)
        if h.withdrawal_rate > 0:
            gone = x * h.withdrawal_rate
            withdrawn += gone.sum(axis=(1, 2))
            x -= gone
        held = x.sum(axis=(2, 3))
        busy = np.minimum(1.0, held / servers[None, :])
        if h.poisson_capacity:
            capacity = rng.poisson(cap_mean[None, :] * busy).astype(float)
        else:
            pick = rng.integers(0, cap_weeks.shape[1], size=(runs, n_q))
            capacity = cap_weeks[np.arange(n_q)[None, :], pick] * scale[None, :]
            if extra.any():
                capacity = capacity + rng.poisson(extra[None, :], size=(runs, n_q))
            capacity = capacity * busy
        served = _serve(x, capacity, alpha)
        x -= served
        completed[t] = (served.sum(axis=(1, 2)) if by_month
                        else served.sum(axis=(1, 2, 3))[:, None])
        exam_total[t] = x.sum(axis=(1, 2, 3))
        sorting_total[t] = sorting_now
        if progress and (t % report_every == 0 or t == weeks - 1):
            progress((t + 1) / weeks * 0.85, "simulation")

    # Draft to notice: a delay after each completion; the drafts already waiting leave at
    # their time left.
    decided = np.zeros_like(completed)
    for d, p in enumerate(h.approval_pmf):
        if p > 0 and d < weeks:
            decided[d:] += completed[:weeks - d] * np.float32(p)
    for d, p in enumerate(approval_forward):
        if p > 0 and d < weeks:
            start = approval_start if by_month else approval_start.sum(keepdims=True)
            decided[d, :, :len(start)] += (start * p)[None].astype(np.float32)
    decided_total = decided.sum(axis=2, dtype=np.float64)  # [T, R]
    approval_total = (approval_start.sum() + np.cumsum(completed.sum(axis=2), axis=0)
                      - np.cumsum(decided_total, axis=0))
    approval_total = np.maximum(approval_total, 0.0)

    # Review: a share of the decisions is brought to review; rulings at the recent rate.
    review_total = np.zeros((weeks, runs))
    pending = np.full(runs, h.review)
    rulings = h.rulings_weeks if h.rulings_weeks.size else np.zeros(1)
    for t in range(weeks):
        pending += rng.poisson(np.maximum(decided_total[t], 0) * h.review_share)
        pending = np.maximum(pending - rulings[rng.integers(0, rulings.size, size=runs)], 0)
        review_total[t] = pending
    if progress:
        progress(0.92, "figures")

    stages = {"sorting": sorting_total, "examination": exam_total,
              "approval": approval_total, "review": review_total}
    return Trajectories(weeks=weeks, stages=stages, completed=completed, decided=decided,
                        decided_total=decided_total, lodged=lodged, withdrawn=withdrawn)




def _week_of(as_of: date, day: date) -> int:
    """The week whose end is nearest ``day`` (week t ends on as_of + 7 (t + 1))."""
    return max(0, int(round((day - as_of).days / 7)) - 1)


def _month_points(h: History, months: int, totals: dict[str, np.ndarray],
                  decided: np.ndarray, decided_total: np.ndarray,
                  weeks: int) -> list[MonthPoint]:
    as_of, points = h.as_of, []
    previous = -1
    cohort_mid = np.array([(month_start(h.first_month + c) + timedelta(days=14) - as_of).days
                           for c in range(decided.shape[2])], dtype=float)
    for i in range(1, months + 1):
        end = clock.add_months(as_of, i)
        w = min(_week_of(as_of, end), weeks - 1)
        backlog = {stage: _band(totals[stage][w]) for stage in STAGES}
        first = sum(totals[stage][w] for stage in FIRST_INSTANCE)
        # A month spans four or five whole weeks here: count its decisions at the month's
        # average length, so that the months compare (no saw-tooth of week counts).
        in_month = (decided_total[previous + 1:w + 1].sum(axis=0)
                    * WEEKS_PER_MONTH / max(w - previous, 1))
        with np.errstate(divide="ignore", invalid="ignore"):
            work = np.where(in_month > 0, first / in_month, np.inf)
        by_cohort = decided[previous + 1:w + 1].sum(axis=0, dtype=np.float64)  # [R, C]
        mid_day = (end - as_of).days - 15
        ages = mid_day - cohort_mid
        points.append(MonthPoint(
            month_end=end, backlog=backlog, first_instance=_band(first),
            months_of_work=_band(work), decisions=_band(in_month),
            median_age_decided=_band(_weighted_median(ages, by_cohort))))
        previous = w
    return points


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per run (rows of ``weights``), the median of ``values`` weighted by the row."""
    order = np.argsort(values)
    cum = np.cumsum(weights[:, order], axis=1)
    total = cum[:, -1]
    index = (cum >= total[:, None] / 2).argmax(axis=1)
    out = values[order][index].astype(float)
    return np.where(total > 0, out, np.nan)


def _cohort_points(h: History, months: int, lodged: np.ndarray, withdrawn: np.ndarray,
                   decided: np.ndarray, standard_months: int,
                   weeks: int) -> list[CohortPoint]:
    as_of, out = h.as_of, []
    standard_days = standard_months * 365.25 / 12
    for i in range(1, months + 1):
        c = h.months - 1 + i
        start = month_start(h.first_month + c)
        length = (month_start(h.first_month + c + 1) - start).days
        offset = (start - as_of).days
        size = np.maximum(lodged[:, c] - withdrawn[:, c], 1e-9)
        cum = np.cumsum(decided[:, :, c].T.astype(np.float64), axis=1) / size[:, None]
        reached = cum[:, -1] if cum.shape[1] else np.zeros(len(size))

        def days(q: float, _cum: np.ndarray = cum, _offset: int = offset,
                 _length: int = length) -> np.ndarray:
            steps = _quantile_steps(_cum, q)
            return steps * 7 - (_offset + q * _length)

        median, p90 = days(0.5), days(0.9)
        within = np.mean([days(q) <= standard_days for q in _SHARE_GRID], axis=0)
        out.append(CohortPoint(
            month_start=start, lodged=_band(lodged[:, c]), median_days=_band(median),
            p90_days=_band(p90), within_standard=_band(within),
            censored=bool(np.median(reached) < 0.9)))
    return out


def inputs_of(h: History) -> Inputs:
    """The history as the manager reads it, beside the forecast."""
    group_rates = h.arrivals.sum(axis=(0, 2))
    return Inputs(
        as_of=h.as_of, weeks_read=h.capacity_weeks.shape[1],
        arrivals_per_week=float(h.arrivals.sum()),
        arrivals_by_group={g: float(r) for g, r in zip(h.groups, group_rates, strict=True)},
        inquirers={q: int(n) for q, n in zip(h.queues, h.inquirers, strict=True)},
        completions_per_week={q: float(c) for q, c in
                              zip(h.queues, h.capacity_weeks.mean(axis=1), strict=True)},
        sorting_median_days=h.sorting_median_days,
        approval_median_days=h.approval_median_days,
        withdrawal_share_per_week=h.withdrawal_rate, review_filing_share=h.review_share,
        rulings_per_week=float(h.rulings_weeks.mean()) if h.rulings_weeks.size else 0.0,
        backlog_now=h.backlog_now(), offices=list(h.queues), groups=list(h.groups))


__all__ = ["TAIL_MONTHS", "WEEKS_PER_MONTH", "Trajectories", "inputs_of", "run_weeks",
           "simulate"]
