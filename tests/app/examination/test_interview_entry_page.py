"""Interview entry on the page: required questions marked in words (what a screen reader
reads), the count of required questions left at the top and updated as answers are saved,
"None identified" never kept together with a ground, and the approver's name shown whole."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from models import User
from tests.app.helpers import messages
from tests.integration.examination.test_examination import hold_interview
from tests.integration.examination.test_interview_entry import GROUNDS
from workbench.core.db import unit_of_work
from workbench.examination import decisions, interviews
from workbench.examination import question_bank as qb
from workbench.ui.examination.interview_common import section_key, widget_key

from .test_examination_pages import _page, _record_tab, _stored, exam_case  # noqa: F401

LANGUAGE = "opening.interview_language"


def _start(engine, staff, case_id: int) -> None:  # noqa: ANN001
    with unit_of_work(engine) as s:
        interviews.start_interview(s, actor=staff.inquirer, application_id=case_id,
                                   language="en")


def _labels(at) -> list[str]:  # noqa: ANN001
    return [w.label for kind in ("text_input", "text_area", "radio", "selectbox",
                                 "multiselect", "date_input", "number_input")
            for w in getattr(at, kind)]


def test_required_questions_are_marked_in_words_not_markup(exam_case) -> None:  # noqa: ANN001, F811
    engine, staff, case_id = exam_case
    _start(engine, staff, case_id)
    with unit_of_work(engine) as s:  # the incident table (and its form) comes with harm
        interviews.save_answer(s, actor=staff.inquirer, application_id=case_id,
                               question_id="past_harm.any_harm", value=True)
    at = _record_tab("inq.one", case_id)
    at.session_state[section_key(case_id, "past_harm")] = True
    at.run()
    assert not at.exception
    labels = _labels(at)
    assert labels and not [label for label in labels if ":red[" in label]
    bank = qb.load_bank()
    language = at.text_input(key=widget_key(case_id, LANGUAGE))
    assert bank.question(LANGUAGE).required
    assert language.label.endswith(" (required)")
    # Each answer on the page is marked exactly when its question is required.
    by_key = {widget_key(case_id, q.id): q for q in bank.questions}
    shown = [w for kind in ("text_input", "text_area", "radio", "selectbox", "multiselect",
                            "date_input", "number_input")
             for w in getattr(at, kind) if w.key in by_key]
    assert {by_key[w.key].required for w in shown} == {True, False}
    for w in shown:
        assert w.label.endswith(" (required)") == by_key[w.key].required, w.label
    # The forms of the record too (the incident's "what happened").
    assert "What happened (required)" in labels


def test_the_count_of_required_questions_left_follows_the_answers(exam_case) -> None:  # noqa: ANN001, F811
    engine, staff, case_id = exam_case
    _start(engine, staff, case_id)
    at = _record_tab("inq.one", case_id)
    left = len(_stored(engine, staff, case_id).missing_required)
    assert left > 1
    assert f"{left} required questions left" in badges_text(at)
    at.text_input(key=widget_key(case_id, LANGUAGE)).input("Sinhala").run()
    assert not at.exception
    assert f"{left - 1} required questions left" in badges_text(at)
    assert len(_stored(engine, staff, case_id).missing_required) == left - 1


def badges_text(at) -> str:  # noqa: ANN001
    return "\n".join(str(m.value) for m in at.markdown if "-badge[" in str(m.value))


def test_none_identified_and_a_ground_are_never_kept_together(exam_case) -> None:  # noqa: ANN001, F811
    engine, staff, case_id = exam_case
    _start(engine, staff, case_id)
    at = _page("inq.one", "interview", case_id, **{
        "iv_tabs_" + str(case_id): "Record",
        section_key(case_id, "convention_grounds"): True})
    grounds = at.multiselect(key=widget_key(case_id, GROUNDS))
    grounds.set_value(["political_opinion"]).run()
    assert _stored(engine, staff, case_id).answers[GROUNDS].value == ["political_opinion"]
    # Ticking "None identified" as well: it replaces the ground.
    at.multiselect(key=widget_key(case_id, GROUNDS)).set_value(
        ["political_opinion", "none_identified"]).run()
    assert not at.exception and not at.error
    assert at.multiselect(key=widget_key(case_id, GROUNDS)).value == ["none_identified"]
    assert _stored(engine, staff, case_id).answers[GROUNDS].value == ["none_identified"]
    # Then ticking a ground: "None identified" goes.
    at.multiselect(key=widget_key(case_id, GROUNDS)).set_value(
        ["none_identified", "religion"]).run()
    assert at.multiselect(key=widget_key(case_id, GROUNDS)).value == ["religion"]
    assert _stored(engine, staff, case_id).answers[GROUNDS].value == ["religion"]


def test_the_approvers_name_is_shown_whole(exam_case) -> None:  # noqa: ANN001, F811
    engine, staff, case_id = exam_case
    long_name = "Manager Sato (Tokyo Regional Immigration Services Bureau, Refugee Section)"
    with unit_of_work(engine) as s:
        s.execute(update(User).where(User.id == staff.manager.id)
                  .values(display_name=long_name))
    hold_interview(engine, staff.inquirer, case_id)
    from tests.integration.examination.test_examination import assess
    assess(engine, staff.inquirer, case_id)
    with unit_of_work(engine) as s:
        reasons, cited = decisions.generated_reasons(s, actor=staff.inquirer,
                                                     application_id=case_id)
        decisions.save_draft(s, actor=staff.inquirer, application_id=case_id, reasons=reasons,
                             citation_ids=cited)
        decisions.submit_draft(s, actor=staff.inquirer, application_id=case_id)
    with unit_of_work(engine) as s:
        decisions.approve(s, actor=staff.manager, application_id=case_id)
    with unit_of_work(engine) as s:
        decisions.serve_notice(s, actor=staff.manager, application_id=case_id,
                               notice_date=date.today())
    at = _page("mgr.one", "decision", case_id)
    # A metric cuts a long value off with an ellipsis: the name is not in one.
    assert not [m for m in at.metric if long_name in str(m.value)]
    assert long_name in messages(at).replace("\\", "")
