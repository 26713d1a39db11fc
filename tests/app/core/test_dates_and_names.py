"""Dates and names on the pages: Japanese dates in the era form, date fields that take either
form, the registration form with the katakana reading and the kanji, and the case list's
search by reading."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import Application, CaseState, Person
from tests.app.conftest import signed_in
from tests.app.helpers import by_label, messages, open_case_file, table
from tests.app.library.test_coi_pages import coi_app, coi_template, passage_id  # noqa: F401 (fixtures)
from tests.conftest import insert_case
from workbench.core.db import unit_of_work
from workbench.core.i18n import catalogue
from workbench.core.settings import get_settings
from workbench.intake.cases import register_application

TODAY = date(2024, 2, 14)
EN = catalogue("en")
#: The incident form's required "What happened" field, as labelled.
WHAT_HAPPENED = EN["form.required"].format(label=EN["interview.incident_what"])


@pytest.fixture
def today(frozen_clock):  # noqa: ANN001, ANN201
    frozen_clock.set_local(TODAY)
    return TODAY


@pytest.fixture
def japanese(monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("WORKBENCH_LANGUAGE", "ja")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _ja(key: str) -> str:
    return catalogue("ja").get(key) or EN[key]


# --- dates in Japanese -----------------------------------------------------------------------


def test_the_case_file_shows_japanese_dates_in_the_era_form(app_db, today, japanese) -> None:  # noqa: ANN001
    engine, staff = app_db
    case_id = insert_case(engine, state=CaseState.DECIDED, inquirer=staff.inquirer,
                          sorting_category="A", outcome="NOT_RECOGNISED",
                          notice_date=date(2024, 2, 13), lodged=date(2024, 1, 15))
    at = open_case_file(signed_in("inq.one"), case_id)
    assert not at.exception
    values = {m.value for m in at.metric}
    assert "令和6年1月15日 (2024年)" in values  # lodged
    assert "令和6年2月20日 (2024年)" in values  # the review window's end
    assert not any("2024-01-15" in str(v) for v in values)
    when = table(at, having=_ja("timeline.when"))[0][_ja("timeline.when")]
    assert when.year == 2024 and when.month == 1 and when.day == 15  # a date, sorting as one


def test_the_case_list_in_japanese_sorts_dates_as_dates_and_writes_deadlines_in_era_form(
        app_db, today, japanese) -> None:  # noqa: ANN001
    engine, staff = app_db
    insert_case(engine, state=CaseState.SORTING, inquirer=staff.inquirer, family_name="Bravo",
                lodged=date(2024, 1, 15))
    at = signed_in("mgr.one")  # a manager's list has the lodging date (an inquirer's, not)
    assert not at.exception
    row = table(at)[0]
    lodged = row[_ja("columns.lodged")]
    assert (lodged.year, lodged.month, lodged.day) == (2024, 1, 15)
    assert "令和6年3月15日 (2024年)" in row[_ja("columns.next_deadline")]
    mine = table(signed_in("inq.one"))[0]
    assert mine[_ja("columns.next_deadline")] == "令和6年3月15日 (2024年)"


def test_the_case_list_in_english_keeps_iso_dates(app_db, today) -> None:  # noqa: ANN001
    engine, staff = app_db
    insert_case(engine, state=CaseState.SORTING, inquirer=staff.inquirer,
                lodged=date(2024, 1, 15))
    row = table(signed_in("mgr.one"))[0]
    assert row["Lodged"] == "2024-01-15"
    assert row["Next deadline"] == "Sorting by 2024-03-15"
    assert table(signed_in("inq.one"))[0]["Next deadline"] == "2024-03-15"


# --- the registration form and its date fields -----------------------------------------------


def _register_page(username: str = "inq.one"):  # noqa: ANN202
    at = signed_in(username)
    at.switch_page("../pages/register.py").run()
    assert not at.exception, at.exception
    return at


def _fill(at, **fields: str):  # noqa: ANN001, ANN202
    for label, value in fields.items():
        by_label(at.text_input, EN[f"register.{label}"]).input(value)
    return at


def _people(engine) -> list[Person]:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        return list(s.execute(select(Person)).scalars())


@pytest.mark.parametrize("typed", ["令和6年1月10日", "2024-01-10", "R6.1.10", "２０２４／１／１０"])
def test_registration_takes_the_lodging_date_in_either_form_and_the_name_readings(
        app_db, today, typed: str) -> None:  # noqa: ANN001
    engine, staff = app_db
    at = _register_page()
    assert by_label(at.text_input, EN["register.lodged_date"]).value == "2024-02-14"
    _fill(at, family_name="Nguyen", given_names="Van An", name_kana="ぐえん・ゔぁん・あん",
          nationality="VNM", lodged_date=typed)
    by_label(at.button, EN["register.submit"]).click().run()
    assert not at.exception, at.exception
    [person] = _people(engine)
    assert (person.name_kana, person.name_kanji) == ("グエン・ヴァン・アン", None)
    with unit_of_work(engine, write=False) as s:
        app = s.execute(select(Application)).scalar_one()
    assert app.lodged_date == date(2024, 1, 10)
    assert app.assigned_inquirer_id == staff.inquirer.id
    # the new case file opens, its header showing the reading
    assert at.title[0].value == "NGUYEN Van An"
    assert "グエン・ヴァン・アン" in messages(at)


def test_registration_with_a_kanji_name_shows_it_in_the_header(app_db, today) -> None:  # noqa: ANN001
    engine, _ = app_db
    at = _register_page("mgr.one")
    _fill(at, family_name="Wang", given_names="Wei", name_kana="ワン・ウェイ", name_kanji="王 偉",
          nationality="CHN", office="OSAKA")
    by_label(at.button, EN["register.submit"]).click().run()
    assert not at.exception, at.exception
    [person] = _people(engine)
    assert person.name_kanji == "王 偉"
    assert "王 偉" in messages(at) and "ワン・ウェイ" in messages(at)


@pytest.mark.parametrize("typed", ["next tuesday", "2024-02-30", "平成40年1月1日", "32/13/2024"])
def test_a_date_that_cannot_be_read_is_refused_beside_the_field(app_db, today,  # noqa: ANN001
                                                                typed: str) -> None:
    engine, _ = app_db
    at = _register_page()
    _fill(at, family_name="Nguyen", given_names="Van An", nationality="VNM", lodged_date=typed)
    by_label(at.button, EN["register.submit"]).click().run()
    assert not at.exception
    assert EN["date_field.unreadable"].format(text=typed) in [e.value for e in at.error]
    assert _people(engine) == []


def test_a_lodging_date_after_today_is_refused_beside_the_field(app_db, today) -> None:  # noqa: ANN001
    engine, _ = app_db
    at = _register_page()
    _fill(at, family_name="Nguyen", given_names="Van An", nationality="VNM",
          lodged_date="令和6年2月15日")
    by_label(at.button, EN["register.submit"]).click().run()
    assert EN["date_field.too_late"].format(date="2024-02-14") in [e.value for e in at.error]
    assert _people(engine) == []


def test_a_reading_in_latin_letters_is_refused_and_nothing_is_registered(app_db, today) -> None:  # noqa: ANN001
    engine, _ = app_db
    at = _register_page()
    _fill(at, family_name="Nguyen", given_names="Van An", nationality="VNM",
          name_kana="Nguyen")
    by_label(at.button, EN["register.submit"]).click().run()
    assert not at.exception
    assert any("katakana" in str(e.value) for e in at.error)
    assert _people(engine) == []


def test_in_japanese_the_field_reads_back_the_era_form_and_refuses_in_japanese(
        app_db, today, japanese) -> None:  # noqa: ANN001
    at = _register_page()
    field = by_label(at.text_input, _ja("register.lodged_date"))
    assert field.value == "令和6年2月14日 (2024年)"
    assert _ja("date_field.read_as").format(date="令和6年2月14日 (2024年)") in [
        c.value for c in at.caption]
    field.input("2024-01-10")
    by_label(at.button, _ja("register.submit")).click().run()  # names missing: refused
    assert _ja("date_field.read_as").format(date="令和6年1月10日 (2024年)") in [
        c.value for c in at.caption]
    by_label(at.text_input, _ja("register.lodged_date")).input("きのう")
    by_label(at.button, _ja("register.submit")).click().run()
    assert _ja("date_field.unreadable").format(text="きのう") in [e.value for e in at.error]


# --- search by reading -----------------------------------------------------------------------


def test_the_case_list_finds_a_name_by_its_reading_typed_in_hiragana_or_half_width(
        app_db, today) -> None:  # noqa: ANN001
    engine, staff = app_db
    with unit_of_work(engine) as s:
        for family, given, kana, kanji in (("Nguyen", "Van An", "グエン・ヴァン・アン", None),
                                           ("Wang", "Wei", "ワン・ウェイ", "王伟")):
            register_application(
                s, actor=staff.inquirer,
                person={"family_name": family, "given_names": given, "nationality": "VNM",
                        "name_kana": kana, "name_kanji": kanji},
                application={"lodged_date": date(2024, 1, 10), "office": "TOKYO",
                             "residence_status_at_filing": "TEMPORARY_VISITOR"})
    at = signed_in("inq.one")
    assert len(table(at)) == 2
    search = by_label(at.text_input, EN["cases.search"])
    for typed, name in (("ぐえん", "NGUYEN Van An"), ("ｸﾞｴﾝ", "NGUYEN Van An"),
                        ("王偉", "WANG Wei"), ("うぇい", "WANG Wei")):
        search.input(typed).run()
        rows = table(at)
        assert [r["Name"] for r in rows] == [name], typed
    assert rows[0]["Reading"] == "ワン・ウェイ 王伟"


def test_the_reading_of_an_earlier_applicant_is_added_on_the_case_file(app_db, today) -> None:  # noqa: ANN001
    engine, staff = app_db
    case_id = insert_case(engine, state=CaseState.SORTING, inquirer=staff.inquirer,
                          family_name="Nguyen")
    at = open_case_file(signed_in("inq.one"), case_id)
    assert not at.exception
    by_label(at.text_input, EN["register.name_kana"]).input("ぐえん・てすと")
    by_label(at.button, EN["circumstances.readings_save"]).click().run()
    assert not at.exception, at.exception
    [person] = _people(engine)
    assert (person.name_kana, person.name_reading_key) == ("グエン・テスト", "グエンテスト")
    assert EN["circumstances.readings_saved"] in [s.value for s in at.success]
    assert "グエン・テスト" in messages(at)


def test_a_reading_in_latin_letters_is_refused_on_the_case_file(app_db, today) -> None:  # noqa: ANN001
    engine, staff = app_db
    case_id = insert_case(engine, state=CaseState.SORTING, inquirer=staff.inquirer)
    at = open_case_file(signed_in("inq.one"), case_id)
    by_label(at.text_input, EN["register.name_kanji"]).input("Wang")
    by_label(at.button, EN["circumstances.readings_save"]).click().run()
    assert not at.exception
    assert any("kanji" in str(e.value) for e in at.error)
    [person] = _people(engine)
    assert person.name_kanji is None and person.version == 1


def test_a_manager_who_may_not_edit_case_details_has_no_readings_form(app_db, today) -> None:  # noqa: ANN001
    engine, staff = app_db
    case_id = insert_case(engine, state=CaseState.SORTING, inquirer=staff.inquirer)
    at = open_case_file(signed_in("mgr.one"), case_id)
    assert not at.exception
    assert not [w for w in at.text_input if w.label == EN["register.name_kana"]]


# --- the interview's dates -------------------------------------------------------------------


@pytest.fixture
def interview_case(app_db, today):  # noqa: ANN001, ANN201
    from workbench.examination import interviews

    engine, staff = app_db
    case_id = insert_case(engine, inquirer=staff.inquirer, state=CaseState.UNDER_EXAMINATION,
                          sorting_category="D2", lodged=date(2024, 1, 15))
    with unit_of_work(engine) as s:
        interviews.start_interview(s, actor=staff.inquirer, application_id=case_id)
        interviews.save_answer(s, actor=staff.inquirer, application_id=case_id,
                               question_id="past_harm.any_harm", value=True)
    return engine, staff, case_id


def _interview(case_id: int):  # noqa: ANN202
    from workbench.ui.examination.interview_common import tabs_key

    at = signed_in("inq.one")
    at.query_params["case"] = str(case_id)
    at.session_state[tabs_key(case_id)] = EN["interview.tab_record"]
    at.session_state["wb_iv_opened"] = {f"{case_id}:past_harm": True}
    at.switch_page("../pages/interview.py").run()
    assert not at.exception, at.exception
    return at


def _view(engine, staff, case_id: int):  # noqa: ANN001, ANN202
    from workbench.examination import interviews

    with unit_of_work(engine, write=False) as s:
        return interviews.interview(s, actor=staff.inquirer, application_id=case_id)


def test_an_interview_session_dated_in_the_era_form(interview_case) -> None:  # noqa: ANN001
    engine, staff, case_id = interview_case
    at = _interview(case_id)
    by_label(at.text_input, EN["interview.session_date"]).input("令和6年2月13日")
    by_label(at.text_input, EN["interview.session_start"]).input("09:30")
    by_label(at.text_input, EN["interview.session_language"]).input("Sinhala")
    by_label(at.button, EN["interview.session_submit"]).click().run()
    assert not at.exception, at.exception
    [session] = _view(engine, staff, case_id).sessions
    assert session.session_date == date(2024, 2, 13)


def test_an_interview_session_before_the_lodging_date_is_refused(interview_case) -> None:  # noqa: ANN001
    engine, staff, case_id = interview_case
    at = _interview(case_id)
    by_label(at.text_input, EN["interview.session_date"]).input("H31.4.30")
    by_label(at.text_input, EN["interview.session_start"]).input("09:30")
    by_label(at.text_input, EN["interview.session_language"]).input("Sinhala")
    by_label(at.button, EN["interview.session_submit"]).click().run()
    assert EN["date_field.too_early"].format(date="2024-01-15") in [e.value for e in at.error]
    assert _view(engine, staff, case_id).sessions == ()


@pytest.mark.parametrize("typed, stored", [("R5.6.1", date(2023, 6, 1)),
                                           ("2023/6/1", date(2023, 6, 1)), ("", None)])
def test_an_incident_date_in_either_form_or_none(interview_case, typed: str,  # noqa: ANN001
                                                 stored: date | None) -> None:
    engine, staff, case_id = interview_case
    at = _interview(case_id)
    by_label(at.text_input, EN["interview.incident_date"]).input(typed)
    if not typed:
        by_label(at.text_input, EN["interview.incident_when_words"]).input("spring 2019")
    by_label(at.text_area, WHAT_HAPPENED).input("Beaten at a rally.")
    by_label(at.button, EN["interview.incident_submit"]).click().run()
    assert not at.exception, at.exception
    [incident] = _view(engine, staff, case_id).incidents
    assert incident.occurred_on == stored


def test_an_incident_date_that_cannot_be_read_is_not_saved_as_no_date(interview_case) -> None:  # noqa: ANN001
    engine, staff, case_id = interview_case
    at = _interview(case_id)
    by_label(at.text_input, EN["interview.incident_date"]).input("summer 2023")
    by_label(at.text_input, EN["interview.incident_when_words"]).input("in the summer")
    by_label(at.text_area, WHAT_HAPPENED).input("Beaten at a rally.")
    by_label(at.button, EN["interview.incident_submit"]).click().run()
    assert EN["date_field.unreadable"].format(text="summer 2023") in [e.value for e in at.error]
    assert not _view(engine, staff, case_id).incidents


def test_the_dashboard_in_japanese_writes_its_day_in_the_era_form(app_db, today, japanese) -> None:  # noqa: ANN001
    engine, staff = app_db
    insert_case(engine, state=CaseState.UNDER_EXAMINATION, inquirer=staff.inquirer,
                lodged=date(2024, 1, 15))
    at = signed_in("mgr.one")
    at.switch_page("../pages/dashboard.py").run()
    assert not at.exception, at.exception
    assert "令和6年2月14日 (2024年)" in messages(at)


# --- the COI library's dates -----------------------------------------------------------------


def _document_page(engine, title: str):  # noqa: ANN001, ANN202
    _, doc = passage_id(engine, title, "military")
    at = signed_in("adm.one")
    at.query_params["doc"] = str(doc)
    return doc, at.switch_page("../pages/coi_document.py").run()


def _published(engine, doc: int) -> date | None:  # noqa: ANN001
    from models.coi import CoiDocument

    with unit_of_work(engine, write=False) as s:
        return s.get(CoiDocument, doc).published_on


def test_a_document_publication_date_typed_in_the_era_form(coi_app) -> None:  # noqa: ANN001, F811
    engine, _ = coi_app
    doc, at = _document_page(engine, "Myanmar: Country Focus 2025")
    at.text_input(key=f"coi_doc_{doc}_published").input("令和7年6月1日")
    by_label(at.button, EN["coi.edit_save"]).click().run()
    assert not at.exception, at.exception
    assert _published(engine, doc) == date(2025, 6, 1)


def test_a_publication_date_that_cannot_be_read_changes_nothing(coi_app) -> None:  # noqa: ANN001, F811
    engine, _ = coi_app
    doc, at = _document_page(engine, "Myanmar: Country Focus 2025")
    before = _published(engine, doc)
    at.text_input(key=f"coi_doc_{doc}_published").input("June-ish")
    by_label(at.button, EN["coi.edit_save"]).click().run()
    assert EN["date_field.unreadable"].format(text="June-ish") in [e.value for e in at.error]
    assert EN["coi.edit_saved"] not in [s.value for s in at.success]
    assert _published(engine, doc) == before


def test_the_dashboard_period_is_typed_in_either_form(app_db, today) -> None:  # noqa: ANN001
    engine, staff = app_db
    insert_case(engine, state=CaseState.UNDER_EXAMINATION, inquirer=staff.inquirer,
                lodged=date(2024, 1, 15))
    at = signed_in("mgr.one")
    at.switch_page("../pages/dashboard.py").run()
    by_label(at.text_input, EN["dashboard.from"]).input("令和6年1月1日")
    by_label(at.text_input, EN["dashboard.to"]).input("2024/1/31")
    by_label(at.button, EN["dashboard.apply"]).click().run()
    assert not at.exception, at.exception
    chosen = at.session_state["wb_dash_filter"]
    assert (chosen.date_from, chosen.date_to) == (date(2024, 1, 1), date(2024, 1, 31))
    assert EN["dashboard.period_text"].format(start="2024-01-01", end="2024-01-31") in \
        messages(at)

    by_label(at.text_input, EN["dashboard.to"]).input("end of January")
    by_label(at.button, EN["dashboard.apply"]).click().run()
    assert EN["date_field.unreadable"].format(text="end of January") in [
        e.value for e in at.error]
    assert at.session_state["wb_dash_filter"].date_to == date(2024, 1, 31)  # unchanged
