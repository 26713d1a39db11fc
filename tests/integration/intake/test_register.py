"""Registering an application: dates are judged by the office's calendar day."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from workbench.core.db import unit_of_work
from workbench.core.errors import ValidationError
from workbench.intake.cases import register_application


def _register(engine, actor, lodged: date):  # noqa: ANN001, ANN202
    with unit_of_work(engine) as s:
        return register_application(
            s, actor=actor,
            person={"family_name": "Perera", "given_names": "Nimal", "nationality": "LKA"},
            application={"lodged_date": lodged, "office": "tokyo",
                         "residence_status_at_filing": "TEMPORARY_VISITOR"})


def test_today_in_tokyo_is_accepted_while_it_is_still_yesterday_in_utc(
        engine, staff, frozen_clock) -> None:  # noqa: ANN001
    frozen_clock.set(datetime(2024, 5, 1, 16, 0, tzinfo=UTC))  # 01:00 on 2 May in Tokyo
    app = _register(engine, staff.inquirer, date(2024, 5, 2))
    assert app.lodged_date == date(2024, 5, 2) and app.office == "TOKYO"
    assert app.case_number == f"TOK-2024-{app.id:07d}"
    assert app.assigned_inquirer_id == staff.inquirer.id


def test_a_lodging_date_after_the_office_today_is_refused(engine, staff, frozen_clock) -> None:  # noqa: ANN001
    frozen_clock.set(datetime(2024, 5, 1, 16, 0, tzinfo=UTC))
    with pytest.raises(ValidationError, match="cannot be in the future"):
        _register(engine, staff.inquirer, date(2024, 5, 3))
