"""The case documents' downloads on the interview and decision pages: a language choice beside
each download button, defaulting to the document's own language (the notice: Japanese; the
interview record: the language it was taken in; the preparation sheet: its questions'), and the
document produced in the language chosen."""

from __future__ import annotations

import io
import re
from datetime import date

import pdfplumber
import pytest

from models import CaseState
from tests.app.conftest import signed_in
from tests.conftest import insert_case
from tests.integration.examination.test_examination import NARRATIVE, assess, hold_interview
from workbench.core.db import unit_of_work
from workbench.examination import decisions, interviews
from workbench.ui.examination.interview_common import tabs_key


@pytest.fixture
def decided_case(app_db):  # noqa: ANN001, ANN201
    """A case whose interview is closed and whose decision (a recognition) is served."""
    engine, staff = app_db
    case_id = insert_case(engine, inquirer=staff.inquirer, state=CaseState.UNDER_EXAMINATION,
                          sorting_category="D2", claim_narrative=NARRATIVE)
    hold_interview(engine, staff.inquirer, case_id)
    assess(engine, staff.inquirer, case_id)
    with unit_of_work(engine) as s:
        reasons, cited = decisions.generated_reasons(s, actor=staff.inquirer,
                                                     application_id=case_id)
        decisions.save_draft(s, actor=staff.inquirer, application_id=case_id, reasons=reasons,
                             citation_ids=cited)
        decisions.submit_draft(s, actor=staff.inquirer, application_id=case_id)
    with unit_of_work(engine) as s:
        decisions.approve(s, actor=staff.manager, application_id=case_id)
        decisions.serve_notice(s, actor=staff.manager, application_id=case_id,
                               notice_date=date.today())
    return engine, staff, case_id


def _page(page: str, case_id: int, **state: object):  # noqa: ANN202
    at = signed_in("inq.one")
    at.query_params["case"] = str(case_id)
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(f"../pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def _choice(at, key: str):  # noqa: ANN001, ANN202
    return next(w for w in at.get("button_group") if w.key == key)


def _text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in pdf.pages))


def test_the_notice_is_offered_in_japanese_first_and_in_english(decided_case) -> None:  # noqa: ANN001
    engine, staff, case_id = decided_case
    at = _page("decision", case_id)
    choice = next(w for w in at.get("button_group")
                  if w.key.startswith(f"dc_notice_lang_{case_id}_"))
    assert choice.value == "ja"  # the office's official language
    choice.set_value("en").run()
    assert not at.exception
    assert next(w for w in at.get("button_group")
                if w.key.startswith(f"dc_notice_lang_{case_id}_")).value == "en"
    with unit_of_work(engine) as s:
        japanese = _text(decisions.notice_pdf(s, actor=staff.inquirer, application_id=case_id))
        english = _text(decisions.notice_pdf(s, actor=staff.inquirer, application_id=case_id,
                                             language="en"))
    assert "難民の認定の通知書" in japanese and "法務大臣" in japanese
    assert "Noticeofdecision" in english and "MinisterofJustice" in english


def test_the_record_and_the_sheet_default_to_their_own_languages(decided_case) -> None:  # noqa: ANN001
    engine, staff, case_id = decided_case
    at = _page("interview", case_id, **{tabs_key(case_id): "Print"})
    record = _choice(at, f"iv_record_lang_{case_id}")
    with unit_of_work(engine, write=False) as s:
        taken_in = interviews.interview(s, actor=staff.inquirer,
                                        application_id=case_id).record_language
    assert record.value == taken_in
    prep = _page("interview", case_id, **{tabs_key(case_id): "Preparation"})
    assert _choice(prep, f"iv_prep_lang_{case_id}").value == taken_in  # its questions' language
    with unit_of_work(engine) as s:
        other = "ja" if taken_in == "en" else "en"
        printed = _text(interviews.interview_pdf(s, actor=staff.inquirer,
                                                 application_id=case_id, language=other))
    assert ("供述調書" in printed) == (other == "ja")


def test_a_record_taken_in_japanese_prints_in_japanese_by_default(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    case_id = insert_case(engine, inquirer=staff.inquirer, state=CaseState.UNDER_EXAMINATION,
                          sorting_category="D2", claim_narrative=NARRATIVE)
    with unit_of_work(engine) as s:
        interviews.start_interview(s, actor=staff.inquirer, application_id=case_id,
                                   language="ja")
    at = _page("interview", case_id, **{tabs_key(case_id): "Print"})
    assert _choice(at, f"iv_record_lang_{case_id}").value == "ja"  # the reader reads English
    prep = _page("interview", case_id, **{tabs_key(case_id): "Preparation"})
    assert _choice(prep, f"iv_prep_lang_{case_id}").value == "ja"
    with unit_of_work(engine) as s:
        printed = _text(interviews.interview_pdf(s, actor=staff.inquirer,
                                                 application_id=case_id))
    assert "供述調書" in printed and "案件番号" in printed
