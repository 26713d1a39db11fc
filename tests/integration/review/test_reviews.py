"""Administrative review on both databases: filing against the 7-day window, panels of three,
allocation (conflicts, balance), counsellors limited to their panels' appeals, opinions
editable by their authors until submitted, the panel opinion and the ruling's effect."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from models import Application, CaseState, Role, StatusEvent, User
from tests.app.helpers import audit_entries
from tests.conftest import _password_hash, insert_case
from workbench.core.actor import Actor
from workbench.core.db import unit_of_work
from workbench.core.errors import InvalidTransition, PermissionDenied, ValidationError
from workbench.core.settings import Settings
from workbench.review import (
    allocation,
    appeals,
    filing,
    hearings,
    opinions,
    panels,
    queues,
    rulings,
)

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@dataclass
class Bench:
    counsellors: list[Actor]  # six: law, international affairs, regional studies, twice
    panel_a: int
    panel_b: int


def _counsellor(engine, username: str, name: str, expertise: str) -> Actor:  # noqa: ANN001
    with unit_of_work(engine) as s:
        user = User(username=username, display_name=name, role=Role.COUNSELLOR,
                    expertise=expertise, office="TOKYO", password_hash=_password_hash())
        s.add(user)
        s.flush()
        return Actor(id=user.id, username=username, display_name=name, role=Role.COUNSELLOR)


@pytest.fixture
def bench(engine, staff) -> Bench:  # noqa: ANN001
    fields = ["law", "international affairs", "regional studies"] * 2
    people = [_counsellor(engine, f"cns.{i}", f"Counsellor {i}", f)
              for i, f in enumerate(fields, 1)]
    with unit_of_work(engine) as s:
        a = panels.save_panel(s, actor=staff.manager, name="Panel A",
                              member_ids=[p.id for p in people[:3]],
                              presiding_id=people[0].id)
        b = panels.save_panel(s, actor=staff.manager, name="Panel B",
                              member_ids=[p.id for p in people[3:]],
                              presiding_id=people[3].id)
    return Bench(people, a.id, b.id)


@pytest.fixture
def settings(tmp_path) -> Settings:  # noqa: ANN001
    return Settings(data_dir=tmp_path, appeal_max_file_mb=1, appeal_max_files=3)


def _refused_case(engine, staff, notice: date) -> int:  # noqa: ANN001, ANN202
    return insert_case(engine, state=CaseState.DECIDED, inquirer=staff.inquirer,
                       outcome="NOT_RECOGNISED", notice_date=notice,
                       lodged=notice - timedelta(days=300))


def _file(engine, staff, case: int, filed: date, settings, **kw):  # noqa: ANN001, ANN003, ANN202
    with unit_of_work(engine) as s:
        return filing.file_appeal(s, actor=staff.manager, application_id=case,
                                  filed_date=filed, grounds="The COI was misread.",
                                  settings=settings, **kw)


def _state(engine, case: int) -> CaseState:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        return CaseState(s.get(Application, case).state)


# --- filing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("notice, last_day", [
    (date(2025, 1, 24), date(2025, 1, 31)),  # a Friday: seven days later is a Friday
    (date(2025, 2, 22), date(2025, 3, 3)),  # ends Saturday 1 March: runs to Monday, past month end
    (date(2024, 12, 25), date(2025, 1, 6)),  # ends in the year-end closure: runs past it
])
def test_the_seven_day_window_from_the_notice(engine, staff, settings, notice: date,  # noqa: ANN001
                                              last_day: date) -> None:
    on_time = _refused_case(engine, staff, notice)
    view = _file(engine, staff, on_time, last_day, settings)
    assert (view.deadline, view.late, view.late_reason) == (last_day, False, None)
    late_case = _refused_case(engine, staff, notice)
    with pytest.raises(InvalidTransition, match="reason given for the late filing"):
        _file(engine, staff, late_case, last_day + timedelta(days=1), settings)
    assert _state(engine, late_case) == CaseState.DECIDED
    late = _file(engine, staff, late_case, last_day + timedelta(days=1), settings,
                 late_reason="The applicant was in hospital.")
    assert late.late and late.late_reason == "The applicant was in hospital."
    assert _state(engine, late_case) == CaseState.REVIEW_FILED


def test_a_request_against_inaction_has_no_deadline(engine, staff, settings) -> None:  # noqa: ANN001
    case = insert_case(engine, state=CaseState.UNDER_EXAMINATION, inquirer=staff.inquirer,
                       lodged=date(2021, 5, 1))
    view = _file(engine, staff, case, date(2024, 6, 3), settings, against_inaction=True)
    assert view.basis == "INACTION" and view.deadline is None and not view.late


def test_new_evidence_is_checked_by_content_and_size(engine, staff, settings) -> None:  # noqa: ANN001
    case = _refused_case(engine, staff, date(2025, 1, 24))
    bad = [filing.Evidence("Arrest warrant", "warrant.pdf", b"MZ\x90\x00\x03 not a pdf")]
    with pytest.raises(ValidationError, match="not a PDF"):
        _file(engine, staff, case, date(2025, 1, 27), settings, evidence=bad)
    big = [filing.Evidence("Scan", "scan.pdf", b"%PDF-" + b"0" * (2 * 1024 * 1024))]
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        _file(engine, staff, case, date(2025, 1, 27), settings, evidence=big)
    assert _state(engine, case) == CaseState.DECIDED  # nothing half-filed
    good = [filing.Evidence("Arrest warrant of May 2024", "../../etc/warrant.pdf", PDF),
            filing.Evidence("Statement", "statement.txt", "私は逮捕された。".encode())]
    view = _file(engine, staff, case, date(2025, 1, 27), settings, evidence=good)
    assert [(d.media_type, d.file_name) for d in view.documents] == [("pdf", "warrant.pdf"),
                                                                     ("text", "statement.txt")]
    with unit_of_work(engine) as s:
        doc, content = filing.evidence_file(s, actor=staff.manager,
                                            document_id=view.documents[0].id,
                                            settings=settings)
    assert content == PDF
    assert audit_entries(engine, "appeal.evidence.open", entity_id=case)


def _stored(settings) -> list[str]:  # noqa: ANN001
    root = settings.resolved_appeal_store
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


def test_evidence_of_a_filing_that_rolls_back_leaves_no_file(engine, staff, settings) -> None:  # noqa: ANN001
    import hashlib

    case = _refused_case(engine, staff, date(2025, 1, 24))
    evidence = [filing.Evidence("Statement", "statement.txt", b"I was arrested.")]
    with pytest.raises(RuntimeError), unit_of_work(engine) as s:
        filing.file_appeal(s, actor=staff.manager, application_id=case,
                           filed_date=date(2025, 1, 27), grounds="The COI was misread.",
                           settings=settings, evidence=evidence)
        assert len(_stored(settings)) == 1  # staged under a pending name, not yet in place
        raise RuntimeError("the transaction fails after the evidence was attached")
    assert _stored(settings) == [] and _state(engine, case) == CaseState.DECIDED
    _file(engine, staff, case, date(2025, 1, 27), settings, evidence=evidence)
    assert _stored(settings) == [hashlib.sha256(b"I was arrested.").hexdigest()]


def test_a_killed_filing_leaves_nothing_after_the_next_one_and_names_are_escaped(
        engine, staff, settings) -> None:  # noqa: ANN001
    import hashlib
    import os

    store = filing.evidence_store(settings)
    os.close(store.stage(b"filed by a process that was killed").fd)
    case = _refused_case(engine, staff, date(2025, 1, 24))
    evidence = [filing.Evidence("Statement", "\x1b[31mstatement\u202etxt.exe",
                                b"I was arrested.")]
    view = _file(engine, staff, case, date(2025, 1, 27), settings, evidence=evidence)
    assert _stored(settings) == [hashlib.sha256(b"I was arrested.").hexdigest()]
    assert view.documents[0].file_name == "\\x1b[31mstatement\\u202etxt.exe"
    [swept] = audit_entries(engine, "appeal.store.sweep")
    assert json.loads(swept.details)["removed"] == [
        hashlib.sha256(b"filed by a process that was killed").hexdigest()]


# --- panels and allocation ----------------------------------------------------------------------


def test_a_panel_is_three_counsellors_of_mixed_fields(engine, staff, bench) -> None:  # noqa: ANN001
    c = bench.counsellors
    lawyers = [_counsellor(engine, f"law.{i}", f"Lawyer {i}", "law") for i in range(3)]
    cases = [
        ([c[0].id, c[0].id, c[1].id], c[0].id, "three different"),
        ([c[0].id, c[1].id], c[0].id, "three different"),
        ([c[0].id, c[1].id, c[2].id], c[3].id, "presiding"),
        ([c[0].id, c[1].id, staff.inquirer.id], c[0].id, "active refugee examination"),
        ([u.id for u in lawyers], lawyers[0].id, "fields of expertise"),
    ]
    for members, presiding, message in cases:
        with pytest.raises(ValidationError, match=message):
            with unit_of_work(engine) as s:
                panels.save_panel(s, actor=staff.manager, name="Panel C", member_ids=members,
                                  presiding_id=presiding)
    with pytest.raises(PermissionDenied):
        with unit_of_work(engine) as s:
            panels.save_panel(s, actor=staff.inquirer, name="Panel C",
                              member_ids=[x.id for x in c[:3]], presiding_id=c[0].id)


def test_allocation_balances_load_and_avoids_conflicts(engine, staff, bench, settings) -> None:  # noqa: ANN001
    first = _file(engine, staff, _refused_case(engine, staff, date(2025, 1, 24)),
                  date(2025, 1, 27), settings)
    with unit_of_work(engine) as s:
        allocated = allocation.allocate(s, actor=staff.manager, appeal_id=first.id)
    second = _file(engine, staff, _refused_case(engine, staff, date(2025, 1, 24)),
                   date(2025, 1, 27), settings)
    with unit_of_work(engine) as s:
        other = allocation.allocate(s, actor=staff.manager, appeal_id=second.id)
    assert {allocated.panel.id, other.panel.id} == {bench.panel_a, bench.panel_b}
    assert _state(engine, first.application_id) == CaseState.PANEL_ASSIGNED
    assert len({m.user_id for m in allocated.panel.members}) == 3

    # A counsellor who acted on the case at first instance cannot sit on its appeal …
    case = _refused_case(engine, staff, date(2025, 1, 24))
    handler = bench.counsellors[0]  # sits on panel A
    with unit_of_work(engine) as s:
        s.add(StatusEvent(application_id=case, action="start_sorting", from_state="RECEIVED",
                          to_state="SORTING", actor_id=handler.id,
                          occurred_at=datetime(2024, 5, 1, tzinfo=UTC)))
    third = _file(engine, staff, case, date(2025, 1, 27), settings)
    with unit_of_work(engine, write=False) as s:
        choices = {c.panel.id: c for c in allocation.panel_choices(s, actor=staff.manager,
                                                                   appeal_id=third.id)}
    assert not choices[bench.panel_a].eligible
    assert "first instance" in choices[bench.panel_a].why_not[0]
    with pytest.raises(ValidationError, match="cannot take this appeal"):
        with unit_of_work(engine) as s:
            allocation.allocate(s, actor=staff.manager, appeal_id=third.id,
                                panel_id=bench.panel_a)
    with unit_of_work(engine) as s:
        assert allocation.allocate(s, actor=staff.manager,
                                   appeal_id=third.id).panel.id == bench.panel_b
    # … nor one who declares a conflict: the appeal moves to another panel.
    member_b = bench.counsellors[4]
    with unit_of_work(engine) as s:
        allocation.declare_conflict(s, actor=member_b, appeal_id=third.id,
                                    reason="I advised the applicant's lawyer in 2023.")
    with pytest.raises(ValidationError, match="No active panel"):
        with unit_of_work(engine) as s:
            allocation.allocate(s, actor=staff.manager, appeal_id=third.id)


def test_counsellors_reach_only_their_panels_appeals(engine, staff, bench, settings) -> None:  # noqa: ANN001
    ours = _file(engine, staff, _refused_case(engine, staff, date(2025, 1, 24)),
                 date(2025, 1, 27), settings)
    theirs = _file(engine, staff, _refused_case(engine, staff, date(2025, 1, 24)),
                   date(2025, 1, 27), settings)
    with unit_of_work(engine) as s:
        allocation.allocate(s, actor=staff.manager, appeal_id=ours.id, panel_id=bench.panel_a)
        allocation.allocate(s, actor=staff.manager, appeal_id=theirs.id, panel_id=bench.panel_b)
    counsellor = bench.counsellors[1]  # panel A
    with unit_of_work(engine) as s:
        listed = queues.my_appeals(s, actor=counsellor)
        file = appeals.appeal_file(s, actor=counsellor, appeal_id=ours.id)
    assert [i.appeal_id for i in listed] == [ours.id]
    assert file.appeal.grounds == "The COI was misread."
    with pytest.raises(PermissionDenied):
        with unit_of_work(engine, write=False) as s:
            appeals.appeal_view(s, actor=counsellor, appeal_id=theirs.id)
    with pytest.raises(PermissionDenied):  # an id that does not exist is refused the same way
        with unit_of_work(engine, write=False) as s:
            appeals.appeal_view(s, actor=counsellor, appeal_id=theirs.id + 1000)
    denied = [e for e in audit_entries(engine, actor_id=counsellor.id)
              if e.outcome == "denied"]
    assert len(denied) == 2 and {e.entity_id for e in denied} >= {str(theirs.application_id)}


# --- hearing, opinions, ruling ----------------------------------------------------------------


def _to_opinions(engine, staff, bench, settings, *, skip: bool = False):  # noqa: ANN001, ANN202
    view = _file(engine, staff, _refused_case(engine, staff, date(2025, 1, 24)),
                 date(2025, 1, 27), settings)
    presiding = bench.counsellors[0]
    with unit_of_work(engine) as s:
        allocation.allocate(s, actor=staff.manager, appeal_id=view.id, panel_id=bench.panel_a)
    with unit_of_work(engine) as s:
        if skip:
            hearings.skip_hearing(s, actor=presiding, appeal_id=view.id,
                                  reason="The request repeats the earlier claim.")
        else:
            hearings.schedule_hearing(s, actor=presiding, appeal_id=view.id,
                                      when=datetime(2025, 2, 10, 1, 0, tzinfo=UTC),
                                      place="Tokyo hearing room 2", language="Tamil",
                                      interpreter="R. Kumar")
            hearings.add_hearing_entry(s, actor=bench.counsellors[1], appeal_id=view.id,
                                       question="When did you leave Jaffna?",
                                       answer="In June 2023, after the second arrest.")
            hearings.hold_hearing(s, actor=presiding, appeal_id=view.id,
                                  held_on=date(2025, 2, 10),
                                  attendance="requester, interpreter, three counsellors",
                                  requester_attended=True)
    return view


def test_opinions_are_the_authors_until_submitted(engine, staff, bench, settings) -> None:  # noqa: ANN001
    view = _to_opinions(engine, staff, bench, settings)
    one, two, three = bench.counsellors[:3]
    with unit_of_work(engine) as s:
        draft = opinions.save_opinion(s, actor=one, appeal_id=view.id, well_founded=True,
                                      reasons="Credible and consistent with COI.")
        opinions.save_opinion(s, actor=two, appeal_id=view.id, well_founded=False,
                              reasons="Internal relocation to Colombo is available.")
        others = appeals.appeal_view(s, actor=two, appeal_id=view.id).opinions
    assert [o.counsellor_id for o in others] == [two.id]  # another's draft is not shown
    with pytest.raises(PermissionDenied):  # a counsellor of another panel
        with unit_of_work(engine) as s:
            opinions.save_opinion(s, actor=bench.counsellors[3], appeal_id=view.id,
                                  well_founded=True, reasons="x")
    with pytest.raises(PermissionDenied):  # a manager writes no counsellor's opinion
        with unit_of_work(engine) as s:
            opinions.save_opinion(s, actor=staff.manager, appeal_id=view.id, well_founded=True,
                                  reasons="x")
    with unit_of_work(engine) as s:
        opinions.submit_opinion(s, actor=one, appeal_id=view.id, expected_version=draft.version)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        with unit_of_work(engine) as s:
            opinions.save_opinion(s, actor=one, appeal_id=view.id, well_founded=False,
                                  reasons="Changed my mind.")
    refused = audit_entries(engine, "opinion.save", actor_id=one.id)
    assert [e.outcome for e in refused] == ["ok", "refused"]
    with pytest.raises(ValidationError, match="1 of 3"):
        with unit_of_work(engine) as s:
            opinions.record_panel_opinion(s, actor=one, appeal_id=view.id, summary="x")
    with unit_of_work(engine) as s:
        opinions.submit_opinion(s, actor=two, appeal_id=view.id)
        opinions.save_opinion(s, actor=three, appeal_id=view.id, well_founded=True,
                              reasons="The arrests are well documented.")
        opinions.submit_opinion(s, actor=three, appeal_id=view.id)
    with pytest.raises(PermissionDenied, match="presiding"):
        with unit_of_work(engine) as s:
            opinions.record_panel_opinion(s, actor=two, appeal_id=view.id, summary="x")
    with pytest.raises(ValidationError, match="dissenting view"):
        with unit_of_work(engine) as s:
            opinions.record_panel_opinion(s, actor=one, appeal_id=view.id,
                                          summary="Well founded by majority.")
    with unit_of_work(engine) as s:
        panel_op = opinions.record_panel_opinion(
            s, actor=one, appeal_id=view.id, summary="Well founded: the arrests are credible.",
            dissent="Relocation to Colombo would be reasonable.")
    assert panel_op.well_founded and not panel_op.unanimous
    assert _state(engine, view.application_id) == CaseState.PANEL_OPINION


@pytest.mark.parametrize("ruling, outcome", [("GRANTED", "RECOGNISED_REFUGEE"),
                                             ("DISMISSED_MERITS", "NOT_RECOGNISED")])
def test_the_ruling_moves_the_case(engine, staff, bench, settings, ruling: str,  # noqa: ANN001
                                   outcome: str) -> None:
    view = _to_opinions(engine, staff, bench, settings, skip=True)
    for counsellor in bench.counsellors[:3]:
        with unit_of_work(engine) as s:
            opinions.save_opinion(s, actor=counsellor, appeal_id=view.id,
                                  well_founded=ruling == "GRANTED", reasons="Reasons.")
            opinions.submit_opinion(s, actor=counsellor, appeal_id=view.id)
    with unit_of_work(engine) as s:
        opinions.record_panel_opinion(s, actor=bench.counsellors[0], appeal_id=view.id,
                                      summary="The panel's view.")
    with pytest.raises(ValidationError, match="gist"):
        with unit_of_work(engine) as s:
            rulings.record_ruling(s, actor=staff.manager, appeal_id=view.id, ruling=ruling,
                                  gist=" ")
    with pytest.raises(PermissionDenied):
        with unit_of_work(engine) as s:
            rulings.record_ruling(s, actor=bench.counsellors[0], appeal_id=view.id,
                                  ruling=ruling, gist="x")
    with unit_of_work(engine) as s:
        ruled = rulings.record_ruling(s, actor=staff.manager, appeal_id=view.id, ruling=ruling,
                                      gist="The panel found the account credible.")
    assert ruled.ruling == ruling and ruled.ruling_gist
    with unit_of_work(engine, write=False) as s:
        app = s.get(Application, view.application_id)
        events = list(s.execute(select(StatusEvent.action).where(
            StatusEvent.application_id == app.id).order_by(StatusEvent.id)).scalars())
    assert (app.state, app.outcome, app.review_ruling) == (CaseState.RULED, outcome, ruling)
    assert events == ["register", "file_review", "assign_panel", "skip_hearing",
                      "submit_panel_opinion", "record_ruling"]
    with unit_of_work(engine, write=False) as s:
        stats = queues.review_stats(s, actor=staff.manager)
    assert stats.hearings_skipped == 1 and stats.pending == 0
    entries = audit_entries(engine, "appeal.ruling", entity_id=view.application_id)
    assert [e.outcome for e in entries] == ["denied", "ok"]
    assert json.loads(entries[1].details)["ruling"] == ruling
