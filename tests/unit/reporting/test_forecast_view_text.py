"""How the forecast view words its figures (workbench/ui/reporting/): signed errors, bands,
"more than N months" for a time the forecast does not reach, the backtest's sentence."""

from __future__ import annotations

from datetime import date

from workbench.core.i18n import use_language
from workbench.reporting.forecast import (
    Backtest,
    BacktestRow,
    Band,
    CohortPoint,
    Forecast,
    Inputs,
    MonthPoint,
    Scenario,
)
from workbench.ui.reporting.forecast_compute import Shown
from workbench.ui.reporting.forecast_tables import backtest_note, key_figures
from workbench.ui.reporting.forecast_words import band_text, describe, signed_percent


def _band(value: float | None, spread: float = 0.1) -> Band:
    if value is None:
        return Band(None, None, None)
    return Band(value, value * (1 - spread), value * (1 + spread))


def _forecast(backlog: float, censored_from: int = 99) -> Forecast:
    months = [MonthPoint(month_end=date(2027, m, 28), backlog={},
                         first_instance=_band(backlog + m), months_of_work=_band(4.5),
                         decisions=_band(20), median_age_decided=_band(365.25))
              for m in range(1, 13)]
    cohorts = [CohortPoint(month_start=date(2027, m, 1), lodged=_band(30),
                           median_days=_band(182.625), p90_days=_band(
                               None if m >= censored_from else 300.0),
                           within_standard=_band(0.5), censored=m >= censored_from)
               for m in range(1, 13)]
    inputs = Inputs(as_of=date(2026, 12, 8), weeks_read=26, arrivals_per_week=10,
                    arrivals_by_group={}, inquirers={}, completions_per_week={},
                    sorting_median_days=None, approval_median_days=None,
                    withdrawal_share_per_week=0, review_filing_share=0, rulings_per_week=0,
                    backlog_now={})
    return Forecast(scenario=Scenario(), as_of=date(2026, 12, 8), runs=20, standard_months=6,
                    months=months, cohorts=cohorts, inputs=inputs, seconds=0.1)


def test_signed_percentages_and_bands() -> None:
    with use_language("en"):
        assert signed_percent(0.08) == "+8 %"
        assert signed_percent(-0.123) == "−12 %"
        assert signed_percent(0.001) == "±0 %"
        assert signed_percent(None) == "—"
        assert band_text(Band(1234.4, 1100.0, 1350.2)) == "1,234 (1,100–1,350)"
        assert band_text(Band(None, None, None)) == "—"
    with use_language("ja"):
        assert signed_percent(-0.12) == "−12%"
        assert band_text(Band(4.5, 4.0, 5.0), 1) == "4.5（4.0～5.0）"


def test_key_figures_side_by_side_and_a_time_not_reached() -> None:
    with use_language("en"):
        rows = key_figures([Shown("Baseline", _forecast(100)),
                            Shown("More staff", _forecast(50, censored_from=1))])
    backlog = [r for r in rows if r["Figure"] == "First-instance backlog"]
    assert [r["When"] for r in backlog] == ["in 3 months", "in 6 months", "in 12 months"]
    assert [(r["Baseline"], r["More staff"]) for r in backlog][0] == ("103 (93–113)",
                                                                      "53 (48–58)")
    p90 = next(r for r in rows if r["Figure"].startswith("90th percentile"))
    assert p90["When"] == "lodged in 2027-01"
    assert p90["Baseline"] == "9.9 (8.9–10.8)"
    assert p90["More staff"] == "more than 11 months"
    median = next(r for r in rows if r["Figure"].startswith("Median time to decision ("))
    assert median["Baseline"] == "6.0 (5.4–6.6)"


def test_the_backtest_in_words() -> None:
    rows = [BacktestRow(horizon_months=h, target=date(2026, 12, 8), backlog_forecast=_band(90),
                        backlog_actual=100, backlog_error=e, median_days_forecast=_band(300),
                        median_days_actual=None if h == 12 else 280.0,
                        median_days_error=None if h == 12 else 0.071)
            for h, e in ((3, 0.08), (6, -0.12), (12, 0.0))]
    backtest = Backtest(as_of=date(2025, 12, 8), runs=100, rows=rows)
    with use_language("en"):
        assert backtest_note(backtest, "backlog") == (
            "Backtest: the forecast made on 2025-12-08 from the data up to then was off by "
            "+8 % at 3 months; −12 % at 6 months; ±0 % at 12 months on the first-instance "
            "backlog.")
        assert "+7 % at 3 months; +7 % at 6 months on the median time" in backtest_note(
            backtest, "time")
        assert backtest_note(None, "backlog").startswith(
            "Backtest: there is not enough history yet")
    with use_language("ja"):
        assert "3か月後に+8%" in backtest_note(backtest, "backlog")


def test_a_scenario_in_words() -> None:
    scenario = Scenario(name="x", inquirers={"TOKYO": 2, "OSAKA": -1}, arrivals={"*": 30},
                        priority="bc_first", standard_months=9)
    with use_language("en"):
        assert describe(scenario) == ("TOKYO: +2 inquirers; OSAKA: -1 inquirers; All groups: "
                                      "applications +30 %; Categories B and C first; "
                                      "standard period of 9 months")
        assert describe(Scenario()) == "no change from the baseline"
