"""A service's refusal reaches a Japanese user in Japanese: the messages raised by services go
through the catalogue in the language of the user the page is drawn for."""

from __future__ import annotations

import re

import pytest

from models import CaseState
from tests.app.conftest import signed_in
from tests.app.helpers import button, by_label, open_case_file
from tests.conftest import insert_case
from workbench.core.i18n import catalogue
from workbench.core.settings import get_settings

JA = catalogue("ja")
EN = catalogue("en")
#: Three or more Latin letters in a row: an English word left in a Japanese message.
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


@pytest.fixture
def japanese_office(app_db, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("WORKBENCH_LANGUAGE", "ja")
    get_settings.cache_clear()
    yield app_db
    get_settings.cache_clear()


def _record(at, case_id: int, action: str | None = None):  # noqa: ANN001, ANN202
    at = open_case_file(at, case_id)
    if action:
        by_label(at.selectbox, JA["actions.choose"]).set_value(action).run()
    by_label(at.checkbox, JA["actions.confirm"]).check()
    return button(at, JA["actions.submit"]).click().run()


def test_a_workflow_refusal_is_shown_in_japanese(japanese_office) -> None:  # noqa: ANN001
    engine, staff = japanese_office
    case_id = insert_case(engine, state=CaseState.SORTING, inquirer=staff.inquirer)
    at = _record(signed_in("inq.one"), case_id)
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    assert errors[0].startswith(JA["errors.workflow.choose_sorting_category_b"])
    # The next steps are named by their Japanese labels, not by their codes.
    assert JA["transition.withdraw"] in errors[0]
    assert not ENGLISH_WORD.search(errors[0]), errors[0]


def test_a_refusal_naming_the_step_names_it_in_japanese(japanese_office) -> None:  # noqa: ANN001
    engine, staff = japanese_office
    case_id = insert_case(engine, state=CaseState.RECEIVED, inquirer=staff.inquirer)
    at = open_case_file(signed_in("inq.one"), case_id)
    by_label(at.selectbox, JA["actions.choose"]).set_value("withdraw").run()
    by_label(at.text_area, JA["actions.reason_required"]).input("   ")
    by_label(at.checkbox, JA["actions.confirm"]).check()
    at = button(at, JA["actions.submit"]).click().run()
    errors = [e.value for e in at.error]
    assert errors and errors[0].startswith(
        JA["errors.workflow.needs_reason"].format(label=JA["transition.withdraw"]))
    assert not ENGLISH_WORD.search(errors[0]), errors[0]


def test_the_same_refusal_stays_english_for_an_english_user(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    case_id = insert_case(engine, state=CaseState.SORTING, inquirer=staff.inquirer)
    at = open_case_file(signed_in("inq.one"), case_id)
    by_label(at.checkbox, EN["actions.confirm"]).check()
    at = button(at, EN["actions.submit"]).click().run()
    assert [e.value for e in at.error][0].startswith(
        EN["errors.workflow.choose_sorting_category_b"] + " Allowed next:")
