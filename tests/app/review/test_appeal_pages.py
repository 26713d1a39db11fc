"""The administrative review pages (pages/appeals.py, pages/appeal.py, pages/panels.py) and
the case file's Administrative review section: the manager's queue and allocation, a
counsellor's own appeals and the appeal file, the refusal of another panel's counsellor,
opinions (saved, submitted, then read-only), the panel's opinion, the ruling, and a request
for review recorded from the case file (a late one needs its reason)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from models import (
    Appeal,
    CaseState,
    CoiCitation,
    CoiPassage,
    CounsellorOpinion,
    Decision,
    DecisionStatus,
)
from tests.app.conftest import signed_in
from tests.app.helpers import (
    NOT_CONFIRMED,
    UNDERSTOOD,
    audit_entries,
    button,
    by_label,
    case_row,
    column,
    everything,
    link_target,
    messages,
    open_case_file,
    select_rows,
    shown,
    status_events,
    table,
)
from tests.conftest import insert_case
from tests.integration.examination.test_examination import cite_passage
from tests.integration.review.test_reviews import _counsellor
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.dates import format_date
from workbench.core.db import unit_of_work
from workbench.review import allocation, filing, hearings, opinions, panels, rulings

REASONS = "The account of the second arrest was vague and undated."
QUOTE = "Opposition activists detained at rallies report beatings."


@dataclass
class Review:
    engine: object
    staff: object
    counsellors: list[Actor]  # panel A: 0 (presiding), 1, 2; panel B: 3 (presiding), 4, 5
    panel_a: int
    panel_b: int
    case_id: int
    case_number: str
    appeal_id: int


def decided_case(engine, staff, *, notice: date) -> int:  # noqa: ANN001
    """A non-recognition served on ``notice``, with its final decision and one COI citation."""
    case_id = insert_case(engine, state=CaseState.DECIDED, inquirer=staff.inquirer,
                          outcome="NOT_RECOGNISED", notice_date=notice,
                          lodged=notice - timedelta(days=300))
    with unit_of_work(engine) as s:
        s.add(Decision(application_id=case_id, number=1, status=DecisionStatus.FINAL,
                       outcome="NOT_RECOGNISED", reasons=REASONS,
                       drafted_by_id=staff.inquirer.id, approved_by_id=staff.manager.id,
                       notice_date=notice, updated_by_id=staff.inquirer.id))
    cite_passage(engine, staff.inquirer, case_id)
    return case_id


@pytest.fixture
def review(app_db) -> Review:  # noqa: ANN001
    engine, staff = app_db
    fields = ["law", "international affairs", "regional studies"] * 2
    people = [_counsellor(engine, f"cns.p{i}", f"Counsellor P{i}", f)
              for i, f in enumerate(fields, 1)]
    with unit_of_work(engine) as s:
        a = panels.save_panel(s, actor=staff.manager, name="Panel A",
                              member_ids=[p.id for p in people[:3]], presiding_id=people[0].id)
        b = panels.save_panel(s, actor=staff.manager, name="Panel B",
                              member_ids=[p.id for p in people[3:]], presiding_id=people[3].id)
    today = clock.today()
    case_id = decided_case(engine, staff, notice=today - timedelta(days=2))
    with unit_of_work(engine) as s:
        view = filing.file_appeal(s, actor=staff.manager, application_id=case_id,
                                  filed_date=today, grounds="The COI was misread.")
    return Review(engine, staff, people, a.id, b.id, case_id, view.case_number, view.id)


def _allocate(r: Review, panel_id: int | None = None) -> None:
    with unit_of_work(r.engine) as s:
        allocation.allocate(s, actor=r.staff.manager, appeal_id=r.appeal_id,
                            panel_id=panel_id or r.panel_a)


def _skip_hearing(r: Review) -> None:
    with unit_of_work(r.engine) as s:
        hearings.skip_hearing(s, actor=r.staff.manager, appeal_id=r.appeal_id,
                              reason="The request repeats the claims already examined.")


def _opinion(r: Review, counsellor: Actor, well_founded: bool) -> None:
    with unit_of_work(r.engine) as s:
        opinions.save_opinion(s, actor=counsellor, appeal_id=r.appeal_id,
                              well_founded=well_founded, reasons=f"Reasons of {counsellor.id}.")
        opinions.submit_opinion(s, actor=counsellor, appeal_id=r.appeal_id)


def _appeal_page(at: AppTest, appeal_id: int) -> AppTest:
    """Go to ``/appeal?appeal=<id>``, as a link from elsewhere would."""
    at.query_params["appeal"] = str(appeal_id)
    return at.switch_page("../pages/appeal.py").run()


def _appeal_row(r: Review) -> Appeal:
    with unit_of_work(r.engine, write=False) as s:
        row = s.execute(select(Appeal).where(Appeal.id == r.appeal_id)).scalar_one()
        s.expunge(row)
        return row


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_manager_sees_the_queue_and_allocates_an_appeal(review: Review) -> None:
    r = review
    at = signed_in("mgr.one").switch_page("../pages/appeals.py").run()
    assert not at.exception
    assert at.title[0].value == "Appeals"
    assert (_metric(at, "Pending"), _metric(at, "Not allocated")) == ("1", "1")
    assert column(at, "Case number", "appeals_table") == [r.case_number]
    assert column(at, "Panel", "appeals_table") == ["Not allocated"]
    assert column(at, "Opinions", "appeals_table") == ["0/3"]
    assert "Panel A" in everything(at) and "Counsellor P1" in everything(at)  # workloads

    select_rows(at, "appeals_table", [0])
    at.run()
    button(at, f"Open the appeal of {r.case_number}").click().run()
    assert not at.exception
    assert at.title[0].value == f"Appeal · {r.case_number}"

    at = _appeal_page(at, r.appeal_id)
    button(at, "Allocate to the least-loaded eligible panel").click().run()
    assert not at.exception
    assert "Allocated to Panel A." in messages(at)
    assert case_row(r.engine, r.case_id).state == CaseState.PANEL_ASSIGNED
    assert _appeal_row(r).panel_id == r.panel_a
    assert _metric(at, "Panel") == "Panel A"


def test_a_counsellor_of_the_panel_opens_the_appeal_from_my_appeals(review: Review) -> None:
    r = review
    _allocate(r)
    at = signed_in("cns.p2").switch_page("../pages/appeals.py").run()
    assert not at.exception
    assert at.title[0].value == "My appeals"
    assert column(at, "Case number", "appeals_table") == [r.case_number]
    select_rows(at, "appeals_table", [0])
    at.run()
    button(at, f"Open the appeal of {r.case_number}").click().run()
    assert not at.exception
    text = everything(at)
    assert REASONS in text  # the primary decision's reasons
    assert QUOTE in text  # the COI passage as it was cited
    assert "The COI was misread." in text  # the grounds
    opened = audit_entries(r.engine, "case.open", actor_id=r.counsellors[1].id)
    assert len(opened) == 1


def test_a_passage_cited_after_opening_joins_the_file(review: Review) -> None:
    r = review
    _allocate(r)
    at = _appeal_page(signed_in("cns.p2"), r.appeal_id)
    cites = by_label(at.multiselect, "Country information your opinion relies on")
    assert len(cites.options) == 1
    at.run()  # another run of the page is not another opening
    assert len(audit_entries(r.engine, "case.open", actor_id=r.counsellors[1].id)) == 1

    with unit_of_work(r.engine) as s:  # another passage cited, from the COI library
        first = s.execute(select(CoiCitation).where(CoiCitation.application_id == r.case_id)
                          ).scalar_one()
        cited = s.get(CoiPassage, first.passage_id)
        other = CoiPassage(document_id=cited.document_id, paragraph=cited.paragraph + 1,
                           page=cited.page, text="Detainees describe beatings in custody.",
                           index_text="detainees describe beatings in custody")
        s.add(other)
        s.flush()
        s.add(CoiCitation(application_id=r.case_id, passage_id=other.id,
                          document_id=other.document_id, quote=other.text[:200],
                          reference=first.reference, accessed_on=clock.today(),
                          finding="Beatings in detention.", created_by_id=r.counsellors[1].id))
    at.run()
    cites = by_label(at.multiselect, "Country information your opinion relies on")
    assert len(cites.options) == 2
    assert len(audit_entries(r.engine, "case.open", actor_id=r.counsellors[1].id)) == 2


def test_a_counsellor_of_another_panel_is_refused(review: Review) -> None:
    r = review
    _allocate(r)
    outsider = r.counsellors[3]  # panel B
    at = _appeal_page(signed_in("cns.p4"), r.appeal_id)
    assert not at.exception
    assert [e.value for e in at.error] == ["You do not have access to this case."]
    text = everything(at)
    assert REASONS not in text and QUOTE not in text and r.case_number not in text
    denied = [e for e in audit_entries(r.engine, actor_id=outsider.id) if e.outcome == "denied"]
    assert denied and denied[0].entity_id == str(r.case_id)


def test_the_hearing_is_scheduled_in_office_time_recorded_and_held(review: Review) -> None:
    r = review
    _allocate(r)
    at = _appeal_page(signed_in("cns.p1"), r.appeal_id)
    # Before it is scheduled, only scheduling and skipping are offered.
    assert not [b for b in at.button if b.label == "Record as held"]
    day = clock.today()
    # typed as a Japanese officer writes it: 令和8年12月7日
    by_label(at.text_input, "Date").input(format_date(day, "ja").split(" ")[0])
    by_label(at.time_input, "Time (Asia/Tokyo)").set_value(time(14, 30))
    by_label(at.text_input, "Place").input("Tokyo hearing room 2")
    by_label(at.text_input, "Language").input("Sinhala")
    button(at, "Save the schedule").click().run()
    assert not at.exception
    assert "The hearing is scheduled." in messages(at)
    assert (f"**Scheduled:** {day.isoformat()} 14:30 (Asia/Tokyo) · **Place:** Tokyo hearing "
            "room 2") in messages(at)

    by_label(at.text_area, "Question put").input("When did you leave Colombo?")
    by_label(at.text_area, "Answer given").input("In June 2023.")
    button(at, "Add to the record").click().run()
    assert "**Q1** (Counsellor P1): When did you leave Colombo?" in messages(at)

    by_label(at.text_input, "Who attended").input("requester, interpreter, three counsellors")
    button(at, "Record as held").click().run()
    assert not at.exception
    assert case_row(r.engine, r.case_id).state == CaseState.HEARING_HELD
    assert f"**Held on** {day.isoformat()}" in messages(at)
    assert not [b for b in at.button if b.label in ("Record as held", "Save the schedule")]


def test_a_counsellor_saves_then_submits_an_opinion(review: Review) -> None:
    r = review
    _allocate(r)
    _skip_hearing(r)
    author = r.counsellors[1]
    at = _appeal_page(signed_in("cns.p2"), r.appeal_id)
    by_label(at.radio, "Is the request for review well founded?").set_value(False)
    by_label(at.text_area, "Reasons").input("Internal relocation to Colombo is open to him.")
    button(at, "Save draft").click().run()
    assert not at.exception
    assert "Your draft opinion is saved." in messages(at)
    with unit_of_work(r.engine, write=False) as s:
        mine = s.execute(select(CounsellorOpinion).where(
            CounsellorOpinion.counsellor_id == author.id)).scalar_one()
        assert (mine.well_founded, mine.submitted_at) == (False, None)
    assert by_label(at.text_area, "Reasons").value == ("Internal relocation to Colombo is "
                                                       "open to him.")

    # Submitting cannot be undone: the form says so and waits for the tick.
    assert "Once submitted, your opinion cannot be changed or withdrawn." in [
        w.value for w in at.warning]
    button(at, "Submit opinion").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [NOT_CONFIRMED]
    with unit_of_work(r.engine, write=False) as s:
        assert s.execute(select(CounsellorOpinion.submitted_at).where(
            CounsellorOpinion.counsellor_id == author.id)).scalar_one() is None
    by_label(at.checkbox, UNDERSTOOD).check()
    button(at, "Submit opinion").click().run()
    assert not at.exception
    assert "Your opinion is submitted." in messages(at)
    assert "It can no longer be changed." in messages(at)
    # Read-only now: no editor, no buttons to change it.
    assert not [b for b in at.button if b.label in ("Save draft", "Submit opinion")]
    assert not [w for w in at.text_area if w.label == "Reasons"]
    assert "Internal relocation to Colombo is open to him." in everything(at)
    with unit_of_work(r.engine, write=False) as s:
        assert s.execute(select(CounsellorOpinion.submitted_at).where(
            CounsellorOpinion.counsellor_id == author.id)).scalar_one() is not None


def test_the_presiding_counsellor_records_the_panel_opinion(review: Review) -> None:
    r = review
    _allocate(r)
    _skip_hearing(r)
    for counsellor, vote in zip(r.counsellors[:3], (True, True, False), strict=True):
        _opinion(r, counsellor, vote)
    at = _appeal_page(signed_in("cns.p1"), r.appeal_id)
    assert "**3 of 3** opinions submitted." in messages(at)
    assert ("**Votes:** 2 well founded, 1 not well founded. The majority finds the request "
            "**well founded**.") in messages(at)
    by_label(at.text_area, "Summary of the panel's opinion").input(
        "The arrests are credible and consistent with the country information.")
    button(at, "Record the panel's opinion").click().run()
    assert [e.value for e in at.error] == ["The panel is divided: record the dissenting view."]
    assert case_row(r.engine, r.case_id).state == CaseState.HEARING_SKIPPED

    by_label(at.text_area, "Dissenting view (required: the panel is divided)").input(
        "Relocation to Colombo would be reasonable.")
    button(at, "Record the panel's opinion").click().run()
    assert not at.exception
    assert "The panel's opinion is recorded. A manager records the ruling next." in messages(at)
    assert case_row(r.engine, r.case_id).state == CaseState.PANEL_OPINION
    # A member who does not preside is not offered the form.
    other = _appeal_page(signed_in("cns.p2"), r.appeal_id)
    assert not [b for b in other.button if b.label == "Record the panel's opinion"]


def test_the_manager_records_the_ruling(review: Review) -> None:
    r = review
    _allocate(r)
    _skip_hearing(r)
    for counsellor in r.counsellors[:3]:
        _opinion(r, counsellor, False)
    with unit_of_work(r.engine) as s:
        opinions.record_panel_opinion(s, actor=r.counsellors[0], appeal_id=r.appeal_id,
                                      summary="No well-founded fear: relocation is available.")
    at = _appeal_page(signed_in("mgr.one"), r.appeal_id)
    gist = by_label(at.text_area, "Gist of the panel's opinion")
    assert gist.value == "No well-founded fear: relocation is available."
    by_label(at.radio, "Ruling").set_value("DISMISSED_MERITS")
    button(at, "Record the ruling").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [NOT_CONFIRMED]  # not ticked: nothing recorded
    assert _appeal_row(r).ruling is None
    assert case_row(r.engine, r.case_id).state == CaseState.PANEL_OPINION
    by_label(at.checkbox, UNDERSTOOD).check()
    button(at, "Record the ruling").click().run()
    assert not at.exception
    assert "Ruling recorded: Dismissed on the merits." in messages(at)
    row = _appeal_row(r)
    assert (row.ruling, row.ruling_gist) == ("DISMISSED_MERITS",
                                             "No well-founded fear: relocation is available.")
    assert case_row(r.engine, r.case_id).state == CaseState.RULED
    assert status_events(r.engine, r.case_id)[-1] == "record_ruling"

    # The notice of the ruling to the applicant: Japanese unless English is chosen.
    choice = next(w for w in at.get("button_group")
                  if w.key == f"appeal_ruling_lang_{r.appeal_id}")
    assert choice.value == "ja"
    assert [b for b in at.get("download_button") if b.label == "Notice of the ruling (PDF)"]
    choice.set_value("en").run()
    assert not at.exception

    # The case file no longer shows the review window as open: the request is ruled on.
    today = clock.today()
    case = open_case_file(at, r.case_id)
    window = next(m for m in case.metric if m.label == "Review window")
    assert window.value == clock.review_deadline(today - timedelta(days=2)).isoformat()
    assert window.proto.delta == f"closed: ruled {today.isoformat()}"
    section = next(e for e in case.expander if e.label == "Examination")
    lines = "\n".join(str(m.value) for m in section.markdown)
    assert f"Review ruled {today.isoformat()}" in lines
    assert "Review can be requested until" not in lines


def test_the_review_window_shows_the_request_once_made(review: Review) -> None:
    r = review
    assert _window(r) == "review requested " + clock.today().isoformat()


def _window(r: Review) -> str:
    at = open_case_file(signed_in("mgr.one"), r.case_id)
    assert not at.exception
    return next(m for m in at.metric if m.label == "Review window").proto.delta


def test_a_late_request_from_the_case_file_needs_its_reason(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    today = clock.today()
    case_id = decided_case(engine, staff, notice=today - timedelta(days=30))
    deadline = clock.review_deadline(today - timedelta(days=30))
    at = open_case_file(signed_in("inq.one"), case_id)
    assert not at.exception
    section = next(e for e in at.expander if e.label == "Administrative review")
    assert f"Late: the deadline was {deadline.isoformat()}" in str(section.warning[0].value)
    by_label(at.text_area, "Grounds of the request").input("The COI was misread.")
    button(at, "Record the request for review").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"The request was filed after the review window closed on {deadline.isoformat()}; "
        "record the reason given for the late filing."]
    assert case_row(engine, case_id).state == CaseState.DECIDED
    with unit_of_work(engine, write=False) as s:
        assert s.execute(select(Appeal.id).where(Appeal.application_id == case_id)).first() \
            is None

    by_label(at.text_area, "Reason given for the late filing (required)").input(
        "The applicant was in hospital.")
    button(at, "Record the request for review").click().run()
    assert not at.exception
    assert case_row(engine, case_id).state == CaseState.REVIEW_FILED
    assert "Request for review recorded (filed" in messages(at)
    with unit_of_work(engine, write=False) as s:
        appeal = s.execute(select(Appeal).where(Appeal.application_id == case_id)).scalar_one()
        assert (appeal.late, appeal.late_reason, appeal.grounds) == (
            True, "The applicant was in hospital.", "The COI was misread.")
    section = next(e for e in at.expander if e.label == "Administrative review")
    assert "**Review filed** · Against non-recognition" in [str(m.value) for m in
                                                             section.markdown][0]


def test_panels_page_shows_validation_errors_plainly(review: Review) -> None:
    r = review
    at = signed_in("mgr.one").switch_page("../pages/panels.py").run()
    assert not at.exception
    assert column(at, "Members (field)")[0].startswith("Counsellor P1 (law)")
    by_label(at.text_input, "Name").input("Panel C")
    by_label(at.multiselect, "Members (three counsellors)").set_value(
        [r.counsellors[0].id, r.counsellors[1].id])
    by_label(at.selectbox, "Presiding counsellor").set_value(r.counsellors[0].id)
    button(at, "Create the panel").click().run()
    assert [e.value for e in at.error] == ["A panel has exactly three different counsellors."]
    assert [p.name for p in _panels(r)] == ["Panel A", "Panel B"]


def _panels(r: Review) -> list:
    with unit_of_work(r.engine, write=False) as s:
        return panels.list_panels(s, actor=r.staff.manager, include_inactive=True)


def test_a_counsellor_lands_on_the_pending_appeals_of_their_panels(review: Review) -> None:
    """Not on "pending first instance only", which no appeal ever is."""
    r = review
    _allocate(r)
    ruled = decided_case(r.engine, r.staff, notice=clock.today() - timedelta(days=3))
    with unit_of_work(r.engine) as s:
        other = filing.file_appeal(s, actor=r.staff.manager, application_id=ruled,
                                   filed_date=clock.today(), grounds="Late evidence.")
        allocation.allocate(s, actor=r.staff.manager, appeal_id=other.id, panel_id=r.panel_a)
        rulings.withdraw_appeal(s, actor=r.staff.manager, appeal_id=other.id,
                                reason="Withdrawn by the requester.")
    at = signed_in("cns.p2")
    assert not at.exception
    assert at.title[0].value == "Appeals of my panels"
    pending = by_label(at.toggle, "Pending appeals only")
    assert pending.value is True
    assert column(at, "Case number", "cases_table") == [r.case_number]
    pending.set_value(False).run()
    assert sorted(column(at, "Case number", "cases_table")) == sorted(
        [r.case_number, other.case_number])


def test_the_panels_page_lists_and_forms_panels_by_office(review: Review) -> None:
    r = review
    with unit_of_work(r.engine) as s:
        for panel in panels.list_panels(s, actor=r.staff.manager):
            panels.save_panel(s, actor=r.staff.manager, name=panel.name,
                              member_ids=[m.user_id for m in panel.members],
                              presiding_id=panel.presiding.user_id, panel_id=panel.id,
                              office="TOKYO" if panel.id == r.panel_a else "OSAKA")
    at = signed_in("mgr.one").switch_page("../pages/panels.py").run()
    assert not at.exception
    assert [h.value for h in at.subheader][:2] == ["OSAKA · 1 panel", "TOKYO · 1 panel"]
    by_label(at.selectbox, "Show the panels of").set_value("OSAKA").run()
    assert [h.value for h in at.subheader][0] == "OSAKA · 1 panel"
    assert "TOKYO · 1 panel" not in [h.value for h in at.subheader]
    assert column(at, "Panel") == ["Panel B"]
    # A new panel formed from the Osaka list is an Osaka panel unless told otherwise.
    assert by_label(at.text_input, "Office").value == "OSAKA"
    by_label(at.text_input, "Name").input("Osaka Panel 2")
    by_label(at.multiselect, "Members (three counsellors)").set_value(
        [c.id for c in r.counsellors[3:]])
    by_label(at.selectbox, "Presiding counsellor").set_value(r.counsellors[3].id)
    by_label(at.checkbox, "Active (takes new appeals)").uncheck()
    button(at, "Create the panel").click().run()
    assert not at.exception
    assert {p.name: p.office for p in _panels(r)}["Osaka Panel 2"] == "OSAKA"


def test_the_ruling_in_japanese_says_what_cannot_be_undone(review: Review,  # noqa: ANN001
                                                           monkeypatch) -> None:
    from workbench.core.i18n import catalogue
    from workbench.core.settings import get_settings

    r = review
    _allocate(r)
    _skip_hearing(r)
    for counsellor in r.counsellors[:3]:
        _opinion(r, counsellor, False)
    with unit_of_work(r.engine) as s:
        opinions.record_panel_opinion(s, actor=r.counsellors[0], appeal_id=r.appeal_id,
                                      summary="国内の他の地域への移転が可能である。")
    monkeypatch.setenv("WORKBENCH_LANGUAGE", "ja")
    get_settings.cache_clear()
    ja = catalogue("ja")
    at = _appeal_page(signed_in("mgr.one"), r.appeal_id)
    assert not at.exception
    assert ja["appeal.ruling_irreversible"] in [w.value for w in at.warning]
    by_label(at.radio, ja["appeal.ruling"]).set_value("DISMISSED_MERITS")
    button(at, ja["appeal.record_ruling"]).click().run()
    assert [e.value for e in at.error] == [ja["confirm.missing"]]
    by_label(at.checkbox, ja["confirm.understood"]).check()
    button(at, ja["appeal.record_ruling"]).click().run()
    assert not at.exception
    assert _appeal_row(r).ruling == "DISMISSED_MERITS"
    assert [b for b in at.get("download_button")
            if b.label == ja["appeal.ruling_notice_download"]]
    case = open_case_file(at, r.case_id)
    window = next(m for m in case.metric if m.label == ja["case.clock_review"])
    assert window.proto.delta.startswith("終了（") and window.proto.delta.endswith("裁決）")


def test_allocation_to_another_offices_panel_is_said(review: Review) -> None:
    r = review
    with unit_of_work(r.engine) as s:  # both panels sit in Osaka; the case is a Tokyo case
        for panel in panels.list_panels(s, actor=r.staff.manager):
            panels.save_panel(s, actor=r.staff.manager, name=panel.name,
                              member_ids=[m.user_id for m in panel.members],
                              presiding_id=panel.presiding.user_id, panel_id=panel.id,
                              office="OSAKA")
    at = _appeal_page(signed_in("mgr.one"), r.appeal_id)
    assert ("No panel of the case's office (TOKYO) can take this appeal: it goes to a panel "
            "of another office.") in messages(at)
    button(at, "Allocate to the least-loaded eligible panel").click().run()
    assert not at.exception
    assert ("Allocated to Panel A, a panel of OSAKA: no panel of the case's office (TOKYO) "
            "could take it.") in shown(messages(at))
    assert _appeal_row(r).panel_id == r.panel_a


def test_a_counsellors_to_do_lists_the_appeal_awaiting_their_opinion(review: Review) -> None:
    r = review
    _allocate(r)
    at = signed_in("cns.p2").switch_page("../pages/tasks.py").run()
    assert not at.exception
    assert "1 appeal awaiting your opinion" in messages(at)
    rows = table(at, having="Opinion")
    assert [row["Case number"] for row in rows] == [r.case_number]
    assert rows[0]["Opinion"] == "After the oral opinion statement"
    assert link_target(at, "Case number", 0, having="Opinion") == f"/appeal?appeal={r.appeal_id}"
    _skip_hearing(r)
    at.run()
    assert table(at, having="Opinion")[0]["Opinion"] == "Can be submitted now"
