"""The interview record keeps the language it was taken in: the bank's texts are shown and
printed in it, the stored answers are the same in every language (so an answer given with the
Japanese texts reads in English), and records taken with the English-only bank still open."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from models import CaseState, InterviewAnswer, InterviewRecord
from tests.app.helpers import audit_entries
from tests.conftest import insert_case
from tests.integration.examination.test_examination import NARRATIVE, details
from workbench.core.db import make_engine, unit_of_work, upgrade
from workbench.core.errors import ValidationError
from workbench.core.i18n import t, use_language
from workbench.examination import interviews, preparation
from workbench.examination import question_bank as qb
from workbench.examination.documents import interview_record
from workbench.examination.documents.interview_record import InterviewRecordDoc


def _case(engine, staff) -> int:  # noqa: ANN001
    return insert_case(engine, inquirer=staff.inquirer, state=CaseState.UNDER_EXAMINATION,
                       sorting_category="D2", claim_narrative=NARRATIVE)


def _start(engine, staff, case: int, **language) -> interviews.InterviewView:  # noqa: ANN001, ANN003
    with unit_of_work(engine) as s:
        interviews.start_interview(s, actor=staff.inquirer, application_id=case, **language)
    return _view(engine, staff, case)


def _view(engine, staff, case: int) -> interviews.InterviewView:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        return interviews.interview(s, actor=staff.inquirer, application_id=case)


def _answer(engine, staff, case: int, qid: str, value) -> None:  # noqa: ANN001
    with unit_of_work(engine) as s:
        interviews.save_answer(s, actor=staff.inquirer, application_id=case, question_id=qid,
                               value=value)


def test_a_record_keeps_the_language_it_was_opened_in(engine, staff) -> None:  # noqa: ANN001
    japanese, english, chosen = _case(engine, staff), _case(engine, staff), _case(engine, staff)
    with use_language("ja"):
        assert _view(engine, staff, japanese).record_language == "ja"  # what it would get
        view = _start(engine, staff, japanese)  # by default, the inquirer's language
    assert view.record_language == "ja" and view.bank_version == qb.current_version()
    with use_language("en"):
        assert _start(engine, staff, english).record_language == "en"
        assert _start(engine, staff, chosen, language="ja").record_language == "ja"
    # Read by someone whose workbench is in the other language: still the record's language.
    with use_language("en"):
        assert _view(engine, staff, japanese).record_language == "ja"
    with use_language("ja"):
        assert _view(engine, staff, english).record_language == "en"
    with unit_of_work(engine, write=False) as s:
        stored = {r.application_id: r.record_language
                  for r in s.execute(select(InterviewRecord)).scalars()}
    assert stored == {japanese: "ja", english: "en", chosen: "ja"}
    starts = audit_entries(engine, "interview.start", entity_id=japanese)
    assert [details(e)["language"] for e in starts] == ["ja"]


def test_an_unknown_record_language_is_refused(engine, staff) -> None:  # noqa: ANN001
    case = _case(engine, staff)
    with pytest.raises(ValidationError):
        _start(engine, staff, case, language="fr")
    assert _view(engine, staff, case).record_id is None


def test_an_answer_given_in_japanese_reads_in_english(engine, staff) -> None:  # noqa: ANN001
    case = _case(engine, staff)
    view = _start(engine, staff, case, language="ja")
    bank = qb.load_bank(view.bank_version)
    grounds = bank.question("convention_grounds.grounds")
    relocate = bank.question("internal_relocation.could_relocate")
    # The inquirer picks the Japanese labels; the values stored are the language-free ones.
    picked = [grounds.choice_value("特定の社会的集団の構成員であること", "ja"),
              grounds.choice_value("政治的意見", "ja")]
    _answer(engine, staff, case, grounds.id, picked)
    _answer(engine, staff, case, relocate.id, relocate.choice_value("いいえ", "ja"))
    _answer(engine, staff, case, "agents_protection.sought_protection", False)
    with unit_of_work(engine, write=False) as s:
        rows = {a.question_id: a.value for a in s.execute(select(InterviewAnswer)).scalars()}
    assert rows[grounds.id] == {"v": ["particular_social_group", "political_opinion"]}
    assert rows[relocate.id] == {"v": "no"}

    view = _view(engine, staff, case)
    shown = {q.id for _s, qs in bank.visible_sections(view.values, view.profiles) for q in qs}
    assert {"convention_grounds.psg_definition", "convention_grounds.political_details",
            "internal_relocation.why_not_safe", "agents_protection.why_not_sought"} <= shown

    japanese = {prompt: (section, answer) for section, prompt, answer
                in interviews.answer_lines(view)}
    assert japanese["申立てはどの条約上の理由に該当しますか。"] == (
        "条約上の理由", "特定の社会的集団の構成員であること、政治的意見")
    assert japanese["本国の別の地域で安全に暮らすことはできますか。"] == ("国内避難", "いいえ")
    assert japanese["警察その他の当局に助けを求めましたか。"][1] == t("interview.no",
                                                                  language="ja")
    english = {prompt: (section, answer) for section, prompt, answer
               in interviews.answer_lines(view, "en")}
    assert english["Which Convention grounds does the claim raise?"] == (
        "Convention grounds", "particular social group, political opinion")
    assert english["Could you live safely in another part of your country?"] == (
        "Internal relocation", "no")
    assert english["Did you ask the police or any other authority for help?"][1] == "No"


def test_the_printed_record_comes_in_the_records_language(engine, staff,  # noqa: ANN001
                                                          monkeypatch) -> None:
    """The document data carries the record's language and the bank's texts in it."""
    case = _case(engine, staff)
    _start(engine, staff, case, language="ja")
    _answer(engine, staff, case, "opening.interpreter_understood", True)
    with unit_of_work(engine) as s:
        interviews.save_session(s, actor=staff.inquirer, application_id=case,
                                session_date=date(2024, 3, 4), start_time="09:30",
                                language="シンハラ語", interpreter="K. Silva")
        interviews.save_inconsistency(s, actor=staff.inquirer, application_id=case,
                                      matter="逮捕の年が申述書と異なる。", session_number=1)
        interviews.save_answer(s, actor=staff.inquirer, application_id=case,
                               question_id="closing.read_back_confirmed", value=True)

    fields = {f.name for f in dataclasses.fields(InterviewRecordDoc)}
    extra = [(name, str, dataclasses.field(default=""))
             for name in ("language", "read_back_language") if name not in fields]
    doc_class = dataclasses.make_dataclass("Doc", extra, bases=(InterviewRecordDoc,),
                                           frozen=True)
    made = []
    monkeypatch.setattr(interview_record, "InterviewRecordDoc", doc_class)
    monkeypatch.setattr(interview_record, "interview_record_pdf",
                        lambda doc: made.append(doc) or b"%PDF")
    with use_language("en"), unit_of_work(engine) as s:  # printed by an English reader
        interviews.interview_pdf(s, actor=staff.inquirer, application_id=case)
    (doc,) = made
    assert doc.language == "ja"
    lines = {a.prompt: a for a in doc.answers}
    line = lines[qb.load_bank().question("opening.interpreter_understood").prompt_ja]
    assert line.prompt.startswith("あなたは通訳人の言うことが分かりますか。")
    assert (line.section, line.answer) == ("面接の開始", t("interview.yes", language="ja"))
    assert doc.inconsistencies[0].raised_on == t("interview.doc_session", language="ja",
                                                 number=1)
    assert not any(a.prompt.isascii() for a in doc.answers)


def test_the_preparation_follows_the_record_language(engine, staff) -> None:  # noqa: ANN001
    case = _case(engine, staff)
    with use_language("en"):
        with unit_of_work(engine, write=False) as s:
            before = preparation.preparation(s, actor=staff.inquirer, application_id=case)
        assert before.language == "en" and before.questions[0].prompt.isascii()
        _start(engine, staff, case, language="ja")
        with unit_of_work(engine, write=False) as s:
            after = preparation.preparation(s, actor=staff.inquirer, application_id=case)
    assert after.language == "ja"
    assert [q.question_id for q in after.questions] == [q.question_id for q in before.questions]
    bank = qb.load_bank()
    for q in after.questions:
        assert q.prompt == bank.question(q.question_id).prompt_ja
    assert after.profile_labels["torture"] == "拷問の被害者"


def test_an_interview_taken_with_the_english_only_bank_still_opens(engine, staff) -> None:  # noqa: ANN001
    case = _case(engine, staff)
    _start(engine, staff, case, language="ja")
    with unit_of_work(engine) as s:  # as a record opened before 2026.12.1 was released
        record = s.execute(select(InterviewRecord).where(
            InterviewRecord.application_id == case)).scalar_one()
        record.bank_version = "2026.12"
        s.add(record)
    _answer(engine, staff, case, "personal_data.marital_status", "divorced")
    view = _view(engine, staff, case)
    assert view.bank_version == "2026.12" and view.record_language == "ja"
    lines = interviews.answer_lines(view)
    # The old bank has no Japanese: its English texts are shown, the answer is unchanged.
    assert ("Personal data", "What is your marital status?", "Divorced") in lines


def test_existing_records_get_english_from_the_migration(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "old.db"
    upgrade(f"sqlite:///{path}", "0012")
    with sqlite3.connect(path) as conn:  # a record from before 0013 (foreign keys off here)
        now = datetime.now(UTC).isoformat()
        conn.execute("INSERT INTO interview_record (id, application_id, bank_version, version, "
                     "created_at, updated_at) VALUES (1, 1, '2026.12', 1, ?, ?)", (now, now))
    upgrade(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql(
            "SELECT record_language FROM interview_record").scalar_one() == "en"
    engine.dispose()
