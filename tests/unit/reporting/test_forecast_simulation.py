"""The forecast's simulation on its own: against closed-form queueing results (one M/M/c
stage), and the direction of each scenario's effect on a small made-up office."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from workbench.reporting.forecast.history import History, month_index, oldest_first_share
from workbench.reporting.forecast.scenarios import Scenario
from workbench.reporting.forecast.simulation import _serve, run_weeks, simulate

AS_OF = date(2030, 1, 7)


def _history(*, arrivals: list[float], capacity: list[float], inquirers: list[int],
             waiting: list[float], poisson: bool = False, months_back: int = 1,
             oldest_first: float = 1.0, sorting: list[float] | None = None,
             approval: list[float] | None = None, withdrawal: float = 0.0) -> History:
    """One group of arrivals per office; ``arrivals`` per week of each kind in ``KINDS``
    (the same in every office); ``waiting`` cases in examination per kind, lodged in the
    oldest month."""
    n_q = len(capacity)
    rate = np.zeros((n_q, 2, 4))
    rate[:, 0, :] = arrivals
    backlog = np.zeros((n_q, 4, months_back))
    backlog[:, :, 0] = waiting
    return History(
        as_of=AS_OF, queues=[f"Q{i}" for i in range(n_q)], groups=["XXX", "other"],
        arrivals=rate, capacity_weeks=np.tile(np.array(capacity)[:, None], (1, 8)),
        inquirers=np.array(inquirers, dtype=float),
        sorting_pmf=np.array(sorting or [1.0]), approval_pmf=np.array(approval or [1.0]),
        withdrawal_rate=withdrawal, review_share=0.0, rulings_weeks=np.zeros(4),
        first_month=month_index(AS_OF) - months_back + 1,
        unsorted=np.zeros((n_q, 4, months_back)), unsorted_age=np.zeros((n_q, 4, months_back)),
        examination=backlog, approval=np.zeros((n_q, 4, months_back)), review=0.0,
        oldest_first=oldest_first, poisson_capacity=poisson)


def _erlang_c(lam: float, mu: float, c: int) -> tuple[float, float]:
    """Probability of waiting and mean number in an M/M/c system."""
    a = lam / mu
    rho = a / c
    tail = a ** c / (math.factorial(c) * (1 - rho))
    p0 = 1 / (sum(a ** k / math.factorial(k) for k in range(c)) + tail)
    wait = tail * p0
    return wait, wait * rho / (1 - rho) + a


@pytest.mark.parametrize(("lam", "mu", "c"), [(0.03, 0.01, 5), (0.02, 0.02, 2)])
def test_a_single_stage_matches_the_m_m_c_queue(lam: float, mu: float, c: int) -> None:
    """Poisson arrivals, c inquirers each completing a case at rate mu while they have one:
    the long-run mean number of cases held and the share of time all inquirers are busy
    agree with Erlang's formulas. The rates are small per step (a step of the simulation is
    a week; here it stands for a short time) so that a step rarely holds more than one
    event, as in continuous time. Each run's average over its steps is one independent
    sample; the tolerance is four standard errors of their mean plus 3 % for the steps.
    A single pooled server of rate c·mu (what a forecast that ignores idle inquirers would
    be) is far outside it."""
    wait, mean_held = _erlang_c(lam, mu, c)
    h = _history(arrivals=[lam, 0, 0, 0], capacity=[c * mu], inquirers=[c],
                 waiting=[round(mean_held), 0, 0, 0], poisson=True)
    runs = run_weeks(h, Scenario(), runs=200, weeks=2400, seed=7, by_month=False)
    held = runs.stages["examination"][800:]  # [steps, runs]

    def close(samples: np.ndarray, expected: float) -> bool:
        per_run = samples.mean(axis=0)
        error = 4 * per_run.std(ddof=1) / math.sqrt(per_run.size) + 0.03 * expected
        return abs(per_run.mean() - expected) <= error

    assert close(held, mean_held)
    assert close((held >= c).astype(float), wait)
    pooled = (lam / (c * mu)) / (1 - lam / (c * mu))
    assert not close(held, pooled)
    # what leaves equals what arrives in the long run
    assert runs.decided_total[800:].mean() == pytest.approx(lam, rel=0.05)


def test_a_backlog_served_faster_than_it_grows_shrinks_by_the_difference() -> None:
    h = _history(arrivals=[10, 0, 0, 0], capacity=[15], inquirers=[3], waiting=[600, 0, 0, 0])
    points, _ = simulate(h, Scenario(), runs=50, months=6, tail_months=0)
    # 5 a week fewer for about 26 weeks
    assert points[5].backlog["examination"].median == pytest.approx(600 - 5 * 26.1, abs=25)
    assert points[5].months_of_work.median < points[0].months_of_work.median


def test_decisions_a_month_do_not_follow_how_many_week_ends_fall_in_it() -> None:
    """A steady office decides as many cases every month, whether four or five of the
    simulation's weeks end in that month."""
    h = _history(arrivals=[12, 0, 0, 0], capacity=[12], inquirers=[3], waiting=[600, 0, 0, 0])
    points, _ = simulate(h, Scenario(), runs=60, months=12, tail_months=0)
    decisions = [p.decisions.median for p in points[1:]]
    assert max(decisions) / min(decisions) < 1.08
    work = [p.months_of_work.median for p in points[1:]]
    assert max(work) / min(work) < 1.08


def test_scenarios_move_the_forecast_the_way_a_manager_expects() -> None:
    h = _history(arrivals=[6, 1, 2, 1], capacity=[9], inquirers=[3],
                 waiting=[300, 40, 100, 20], months_back=12, oldest_first=0.5)
    base, base_cohorts = simulate(h, Scenario(), runs=80, months=12)
    more, more_cohorts = simulate(h, Scenario("more", inquirers={"Q0": 2}), runs=80,
                                  months=12)
    busier, _ = simulate(h, Scenario("busier", arrivals={"*": 30}), runs=80, months=12)
    assert more[11].first_instance.median < base[11].first_instance.median
    assert busier[11].first_instance.median > base[11].first_instance.median
    assert more_cohorts[0].median_days.median < base_cohorts[0].median_days.median
    # Every band holds its median.
    for point in base:
        band = point.first_instance
        assert band.low <= band.median <= band.high
    # A longer standard period can only raise the share decided within it.
    _, longer = simulate(h, Scenario(), runs=80, months=12, standard_months=24)
    assert longer[0].within_standard.median >= base_cohorts[0].within_standard.median


def test_a_priority_class_is_served_first_in_the_order_the_office_keeps() -> None:
    """Two classes (say B and C first, then the rest), three lodging months each."""
    x = np.array([[[[2.0, 3, 5], [4, 4, 4]]]])  # [run, queue, class, month]
    oldest = _serve(x, np.array([[12.0]]), alpha=1.0)
    assert oldest[0, 0].tolist() == [[2, 3, 5], [2, 0, 0]]
    mixed = _serve(x, np.array([[12.0]]), alpha=0.0)
    # the first class is taken whole, the rest of the capacity spread over what waits
    assert mixed[0, 0, 0].tolist() == [2, 3, 5]
    assert mixed[0, 0, 1].tolist() == pytest.approx([2 / 3, 2 / 3, 2 / 3])
    half = _serve(x, np.array([[6.0]]), alpha=0.5)
    # 3 oldest first (2 + 1), then 3 spread over the 7 left in proportion
    assert half[0, 0, 0].tolist() == pytest.approx([2, 1 + 3 * 2 / 7, 3 * 5 / 7])
    assert half.sum() == pytest.approx(6)
    # never more than waits
    assert _serve(x, np.array([[100.0]]), alpha=0.3).sum() == pytest.approx(x.sum())


def test_b_and_c_first_shortens_the_wait_of_new_b_and_c_cases() -> None:
    h = _history(arrivals=[6, 0, 3, 0], capacity=[9.5], inquirers=[3],
                 waiting=[300, 0, 150, 0], months_back=6)
    _, oldest = simulate(h, Scenario(priority="oldest"), runs=40, months=6)
    _, first = simulate(h, Scenario(priority="bc_first"), runs=40, months=6)
    # A third of each month's applications now goes ahead of the whole backlog: its tenth
    # decile is unchanged (the rest still waits behind the backlog) but its shortest times
    # are weeks, not the months the backlog takes.
    assert first[0].within_standard.median > oldest[0].within_standard.median
    assert first[0].within_standard.median >= 0.3


def test_the_oldest_first_share_is_recovered_from_a_mix() -> None:
    waiting = np.array([50.0, 80, 120, 200, 300, 400])
    total = 150.0
    available = waiting
    before = np.cumsum(available) - available
    fifo = np.clip(total - before, 0, available)
    proportional = available * total / available.sum()
    for alpha in (0.0, 0.3, 0.7, 1.0):
        drafted = alpha * fifo + (1 - alpha) * proportional
        # the history sees what waits now, after the drafts
        assert oldest_first_share(waiting - drafted, drafted) == pytest.approx(alpha, abs=0.05)
