"""Step 3 of the demo generator, events: the processing of a case (sorting, decision, notice)
and its administrative review, drawn as status events following the workflow up to the
cut-off day.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from models.enums import ResidenceMeasure, ReviewBasis, ReviewRuling, SortingCategory
from workbench.core.workflow import DEFAULT_MEASURE
from workbench.demo import narratives
from workbench.demo.parameters import by_year
from workbench.demo.records import (
    _CAT_B,
    _CAT_C,
    _CP,
    _FINAL,
    _MONTH_DAYS,
    _NR,
    _NRH,
    _RCP,
    _REF,
    _REFUGEE,
    _WD,
    _Case,
)
from workbench.demo.timeline import _Timeline


class _Simulation:
    """The simulated processing and review of the generated cases."""

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
