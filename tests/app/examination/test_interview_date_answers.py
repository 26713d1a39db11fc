"""Date answers in the interview are typed in either form (2025-12-07 or 令和7年12月7日) and
shown back in the reader's form; a text that is not a date is refused with the reason and is
not saved."""

from __future__ import annotations

from tests.app.helpers import messages
from workbench.core.db import unit_of_work
from workbench.core.i18n import catalogue
from workbench.core.settings import get_settings
from workbench.examination import interviews
from workbench.ui.examination.interview_common import section_key, widget_key

from .test_examination_pages import _record_tab, _stored, exam_case  # noqa: F401

QUESTION = "personal_data.date_of_birth"


def _open(case_id: int):  # noqa: ANN202
    at = _record_tab("inq.one", case_id)
    at.session_state[section_key(case_id, "personal_data")] = True
    return at.run()


def _start(engine, staff, case_id: int) -> None:  # noqa: ANN001
    with unit_of_work(engine) as s:
        interviews.start_interview(s, actor=staff.inquirer, application_id=case_id,
                                   language="en")


def test_an_era_date_is_saved_as_the_date(exam_case, monkeypatch) -> None:  # noqa: ANN001, F811
    engine, staff, case_id = exam_case
    monkeypatch.setenv("WORKBENCH_LANGUAGE", "ja")
    get_settings.cache_clear()
    _start(engine, staff, case_id)
    at = _open(case_id)
    field = at.text_input(key=widget_key(case_id, QUESTION))
    field.input("昭和63年4月2日").run()
    assert not at.exception
    assert _stored(engine, staff, case_id).values[QUESTION] == "1988-04-02"
    # Shown back in the reader's form when the page is opened again.
    again = _open(case_id)
    assert again.text_input(key=widget_key(case_id, QUESTION)).value == \
        "昭和63年4月2日 (1988年)"
    get_settings.cache_clear()


def test_an_iso_date_is_saved_too_and_nonsense_is_refused(exam_case) -> None:  # noqa: ANN001, F811
    engine, staff, case_id = exam_case
    _start(engine, staff, case_id)
    at = _open(case_id)
    at.text_input(key=widget_key(case_id, QUESTION)).input("1990-07-15").run()
    assert _stored(engine, staff, case_id).values[QUESTION] == "1990-07-15"
    at.text_input(key=widget_key(case_id, QUESTION)).input("last spring").run()
    assert not at.exception
    refusal = catalogue("en")["date_field.unreadable"].format(text="last spring")
    assert refusal in messages(at)
    # The refused text neither replaced the stored date nor vanished from the field.
    assert _stored(engine, staff, case_id).values[QUESTION] == "1990-07-15"
    assert at.text_input(key=widget_key(case_id, QUESTION)).value == "last spring"


def test_a_birth_date_in_the_future_is_refused(exam_case) -> None:  # noqa: ANN001, F811
    engine, staff, case_id = exam_case
    _start(engine, staff, case_id)
    at = _open(case_id)
    at.text_input(key=widget_key(case_id, QUESTION)).input("2999-01-01").run()
    assert QUESTION not in _stored(engine, staff, case_id).values
