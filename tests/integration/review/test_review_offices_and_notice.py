"""Panels per office and the notice of the ruling, on both databases: allocation prefers a
panel of the case's office and goes to another office's only when none of its own can take
the appeal (the audit says so); the notice of a ruling read back in Japanese and English,
naming the Minister of Justice and no officer or counsellor, its printing audited, refused
before there is a ruling."""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pdfplumber
import pytest

from tests.app.helpers import audit_entries
from tests.integration.review.test_reviews import (  # noqa: F401 (fixtures)
    _file,
    _refused_case,
    _to_opinions,
    bench,
    settings,
)
from workbench.core.db import unit_of_work
from workbench.core.errors import ValidationError
from workbench.review import allocation, opinions, panels, rulings
from workbench.review.review_notice import ruling_notice


def _office(engine, staff, bench, panel_a: str, panel_b: str) -> None:  # noqa: ANN001, F811
    """Put panel A in ``panel_a``'s office and panel B in ``panel_b``'s."""
    with unit_of_work(engine) as s:
        for panel in panels.list_panels(s, actor=staff.manager):
            office = panel_a if panel.id == bench.panel_a else panel_b
            panels.save_panel(s, actor=staff.manager, name=panel.name,
                              member_ids=[m.user_id for m in panel.members],
                              presiding_id=panel.presiding.user_id, office=office,
                              panel_id=panel.id)


def _osaka_case(engine, staff) -> int:  # noqa: ANN001
    from models import CaseState
    from tests.conftest import insert_case

    return insert_case(engine, state=CaseState.DECIDED, inquirer=staff.inquirer,
                       outcome="NOT_RECOGNISED", notice_date=date(2025, 1, 24),
                       lodged=date(2024, 3, 1), office="OSAKA")


def test_allocation_prefers_a_panel_of_the_cases_office(
        engine, staff, bench, settings) -> None:  # noqa: ANN001, F811
    _office(engine, staff, bench, "TOKYO", "osaka ")  # typed loosely: kept as OSAKA
    with unit_of_work(engine, write=False) as s:
        offices = {p.id: p.office for p in panels.list_panels(s, actor=staff.manager)}
    assert offices == {bench.panel_a: "TOKYO", bench.panel_b: "OSAKA"}
    # Panel B (Osaka) gets every Osaka appeal even as its load grows past Tokyo's …
    for _ in range(2):
        view = _file(engine, staff, _osaka_case(engine, staff), date(2025, 1, 27), settings)
        with unit_of_work(engine, write=False) as s:
            first = allocation.panel_choices(s, actor=staff.manager, appeal_id=view.id)[0]
        assert (first.panel.id, first.same_office) == (bench.panel_b, True)
        with unit_of_work(engine) as s:
            done = allocation.allocate(s, actor=staff.manager, appeal_id=view.id)
        assert done.panel.id == bench.panel_b and done.office == "OSAKA"
        entry = audit_entries(engine, "appeal.allocate", entity_id=view.application_id)[-1]
        assert json.loads(entry.details)["other_office"] is False
    # … and a Tokyo appeal goes to Panel A although Panel B is free of Tokyo cases.
    tokyo = _file(engine, staff, _refused_case(engine, staff, date(2025, 1, 24)),
                  date(2025, 1, 27), settings)
    with unit_of_work(engine) as s:
        assert allocation.allocate(s, actor=staff.manager,
                                   appeal_id=tokyo.id).panel.id == bench.panel_a

    # When no panel of the office can take it (a member of Osaka's declared a conflict),
    # the appeal goes to another office's panel, and the audit says so.
    view = _file(engine, staff, _osaka_case(engine, staff), date(2025, 1, 27), settings)
    with unit_of_work(engine) as s:
        allocation.allocate(s, actor=staff.manager, appeal_id=view.id)
    with unit_of_work(engine) as s:
        allocation.declare_conflict(s, actor=bench.counsellors[4], appeal_id=view.id,
                                    reason="I advised the applicant's lawyer in 2023.")
    with unit_of_work(engine) as s:
        moved = allocation.allocate(s, actor=staff.manager, appeal_id=view.id)
    assert moved.panel.id == bench.panel_a and moved.panel.office == "TOKYO"
    entry = audit_entries(engine, "appeal.allocate", entity_id=view.application_id)[-1]
    assert json.loads(entry.details)["other_office"] is True


def _text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in pdf.pages))


def _ruled(engine, staff, bench, settings, ruling: str):  # noqa: ANN001, ANN202, F811
    view = _to_opinions(engine, staff, bench, settings, skip=True)
    for counsellor in bench.counsellors[:3]:
        with unit_of_work(engine) as s:
            opinions.save_opinion(s, actor=counsellor, appeal_id=view.id, well_founded=False,
                                  reasons="Internal relocation is available.")
            opinions.submit_opinion(s, actor=counsellor, appeal_id=view.id)
    with unit_of_work(engine) as s:
        opinions.record_panel_opinion(s, actor=bench.counsellors[0], appeal_id=view.id,
                                      summary="Relocation to Colombo is reasonable.")
    with pytest.raises(ValidationError, match="No ruling has been recorded"):
        with unit_of_work(engine) as s:
            ruling_notice(s, actor=staff.manager, appeal_id=view.id)
    with unit_of_work(engine) as s:
        rulings.record_ruling(s, actor=staff.manager, appeal_id=view.id, ruling=ruling,
                              gist="Relocation to Colombo is reasonable.")
    return view


def test_the_notice_of_the_ruling(engine, staff, bench, settings) -> None:  # noqa: ANN001, F811
    view = _ruled(engine, staff, bench, settings, "DISMISSED_MERITS")
    with unit_of_work(engine) as s:
        japanese = _text(ruling_notice(s, actor=staff.manager, appeal_id=view.id,
                                       settings=settings))
        english = _text(ruling_notice(s, actor=bench.counsellors[1], appeal_id=view.id,
                                      language="en", settings=settings))
    assert japanese.startswith("裁決書")
    for expected in ("本件審査請求を棄却する。", "全員一致で、本件審査請求には理由がないとの意見",
                     "Relocation", "審査請求日", "令和7年1月27日", "法務大臣", "裁決庁"):
        assert expected in japanese, expected
    assert "Therequestisdismissedonthemerits." in english
    assert "MinisterofJustice" in english
    # The ruling is the Minister's: no officer or counsellor is named.
    for person in (staff.manager, staff.inquirer, *bench.counsellors[:3]):
        name = re.sub(r"\s+", "", person.display_name)
        assert name not in japanese and name not in english
    printed = audit_entries(engine, "case.print", entity_id=view.application_id)
    assert [json.loads(e.details)["language"] for e in printed] == ["ja", "en"]
    assert {json.loads(e.details)["document"] for e in printed} == {"ruling_notice"}


def test_a_withdrawn_request_has_no_notice_of_a_ruling(
        engine, staff, bench, settings) -> None:  # noqa: ANN001, F811
    view = _to_opinions(engine, staff, bench, settings, skip=True)
    with unit_of_work(engine) as s:
        rulings.withdraw_appeal(s, actor=staff.manager, appeal_id=view.id,
                                reason="The applicant withdrew the request.")
    with pytest.raises(ValidationError, match="No ruling has been recorded"):
        with unit_of_work(engine) as s:
            ruling_notice(s, actor=staff.manager, appeal_id=view.id)


def test_the_notice_of_decision_names_the_authority_not_the_officers(engine, staff  # noqa: ANN001
                                                                     ) -> None:
    """The defect 'Decided by Inquirer Tanaka': the notice the applicant receives is the
    issuing authority's, in both languages; the inquirer who drafted the decision and the
    manager who approved it are not named on it."""
    from tests.integration.examination.test_examination import _case, _through_approval
    from workbench.examination import decisions

    case = _case(engine, staff)
    _through_approval(engine, staff, case)
    with unit_of_work(engine) as s:
        decisions.serve_notice(s, actor=staff.manager, application_id=case,
                               notice_date=date(2025, 6, 3))
    with unit_of_work(engine) as s:
        english = _text(decisions.notice_pdf(s, actor=staff.manager, application_id=case,
                                             language="en"))
        japanese = _text(decisions.notice_pdf(s, actor=staff.inquirer, application_id=case))
    assert "IssuedbyMinisterofJustice" in english or (
        "Issuedby" in english and "MinisterofJustice" in english)
    assert "処分庁" in japanese and "法務大臣" in japanese
    for text in (english, japanese):
        assert "Decidedby" not in text and "Approvedby" not in text
        for officer in (staff.inquirer, staff.manager):
            assert re.sub(r"\s+", "", officer.display_name) not in text
