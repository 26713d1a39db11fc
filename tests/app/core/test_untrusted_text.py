"""Untrusted text is shown, never interpreted: with a hostile value in every text field a
person can type or a document can bring (names, aliases, narratives, answers, reasons,
opinions, appeal grounds, COI titles, sources and file names), every page each role can open
shows it only as inert text. Markdown bodies, labels, tooltips and options sent to the
browser are read from the page's protos and searched for constructs built from the value:
a link or image, raw HTML, a Streamlit directive, emphasis, maths, a heading or a list."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text
from streamlit.testing.v1 import AppTest

from models import CaseState, Decision, DecisionStatus, InterviewAnswer
from tests.app.conftest import signed_in
from tests.app.helpers import _walk
from tests.conftest import insert_case
from tests.integration.examination.test_examination import NARRATIVE, assess, hold_interview
from tests.integration.review.test_reviews import _counsellor
from tests.triage_support import POLITICAL_NARRATIVE, tiny_model_path
from workbench.core import clock
from workbench.core.db import unit_of_work
from workbench.core.settings import get_settings
from workbench.intake.a_countries import save_a_country
from workbench.intake.triage_confirm import confirm
from workbench.intake.triage_desk import suggest_unsorted
from workbench.review import allocation, filing, hearings, opinions, panels

#: One value with every construct a Markdown renderer could act on. Each line starts a
#: block of its own if the text is pasted into Markdown as it is.
HOSTILE = ("![x](http://attacker.invalid/x.png) [click](http://attacker.invalid) "
           "<img src=x onerror=alert(1)> :red[alert] **bold** $x$ "
           "[j](javascript:alert(1)) :material/warning: :smile: :streamlit:\n"
           "# hostileheading\n- hostileitem\n> hostilequote")

#: What a rendered Markdown string must not contain (case-insensitive: a name is shown in
#: capitals), each a construct made from ``HOSTILE``.
FORBIDDEN_MD = {
    "image or link": re.compile(r"\]\((http|javascript)", re.I),
    "raw HTML": re.compile(r"<img", re.I),
    "directive": re.compile(r"(?<!\\):red\[", re.I),
    "emphasis": re.compile(r"(?<!\\)\*\*bold", re.I),
    "maths": re.compile(r"(?<!\\)\$x", re.I),
    "icon": re.compile(r"(?<!\\):material/warning", re.I),
    "emoji": re.compile(r":(smile|streamlit):", re.I),
    "heading": re.compile(r"^\s*#+ hostileheading", re.I | re.M),
    "list": re.compile(r"^\s*- hostileitem", re.I | re.M),
    "quote": re.compile(r"^\s*> hostilequote", re.I | re.M),
}
#: In a raw HTML block Markdown is not read; a tag or a Streamlit icon code would be.
FORBIDDEN_HTML = {
    "raw HTML": re.compile(r"<img", re.I),
    "icon": re.compile(r":material/warning", re.I),
}
#: Proto fields that Streamlit renders as Markdown (``options`` only for radio buttons).
MARKDOWN_FIELDS = {"body", "label", "help", "delta", "text", "content", "caption"}
PLAIN_MESSAGES = {"Text", "Code", "Html", "Json", "Exception"}

#: (table, column) of every free-text field a person types or a document brings.
TEXT_FIELDS = {
    "user": ["display_name", "expertise"],
    "person": ["family_name", "given_names", "name_original"],
    "application": ["claim_narrative", "name_as_entered", "review_late_reason"],
    "status_event": ["reason"],
    "triage_review": ["reason", "qc_note"],
    "a_country": ["reason"],
    "interview_session": ["place", "interpreter", "present", "breaks"],
    "interview_incident": ["what_happened", "injuries", "witnesses", "reported", "evidence",
                           "occurred_text", "place", "agent"],
    "interview_inconsistency": ["matter", "explanation"],
    "interview_record": ["read_back_note"],
    "material_fact": ["statement", "finding_reason"],
    "credibility_rating": ["reason"],
    "element_assessment": ["reason"],
    "assessment": ["departure_reason", "humanitarian_reason"],
    "decision": ["reasons", "supersede_reason"],
    "coi_source": ["name", "short_name", "mandate", "description"],
    "coi_document": ["title", "file_name"],
    "coi_passage": ["section", "text"],
    "coi_citation": ["finding", "quote", "reference"],
    "appeal": ["late_reason", "grounds", "ruling_gist"],
    "appeal_document": ["title", "file_name"],
    "review_panel": ["name"],
    "review_hearing": ["place", "interpreter", "attendance", "skip_reason"],
    "counsellor_opinion": ["reasons"],
    "panel_opinion": ["summary", "dissent"],
}
#: A final decision cannot be changed, even in the database.
_WHERE = {"decision": "status <> 'FINAL'"}


# --- the hostile database -------------------------------------------------------------------


@pytest.fixture
def hostile(app_db, monkeypatch):  # noqa: ANN001, ANN201
    """A triage case overridden with a reason and sampled for the quality check, a case
    examined to a draft decision, and an appealed case with its panel, opinions and the
    panel's opinion; then a hostile value in every text field of every row."""
    engine, staff = app_db
    monkeypatch.setenv("WORKBENCH_TRIAGE_MODEL_PATH", str(tiny_model_path()))
    get_settings.cache_clear()
    ids = {"triage": _triage_case(engine, staff), "exam": _examined_case(engine, staff)}
    ids.update(_appealed_case(engine, staff))
    _make_hostile(engine)
    yield engine, staff, ids
    get_settings.cache_clear()


def _triage_case(engine, staff) -> int:  # noqa: ANN001
    case_id = insert_case(engine, inquirer=staff.inquirer,
                          claim_narrative=POLITICAL_NARRATIVE)
    with unit_of_work(engine) as s:
        suggest_unsorted(s, actor=staff.manager)
    with unit_of_work(engine) as s:
        version = s.execute(text("SELECT version FROM application WHERE id = :i"),
                            {"i": case_id}).scalar_one()
        confirm(s, actor=staff.manager2, application_id=case_id, category="B",
                reason="placeholder", expected_version=version)
        s.execute(text("UPDATE triage_review SET qc_sampled = 1"))
    with unit_of_work(engine) as s:
        save_a_country(s, actor=staff.admin, code="XXA", reason="placeholder",
                       since=date(2024, 1, 1), active=True, expected_version=None)
    return case_id


def _examined_case(engine, staff) -> int:  # noqa: ANN001
    case_id = insert_case(engine, inquirer=staff.inquirer, state=CaseState.UNDER_EXAMINATION,
                          sorting_category="D2", claim_narrative=NARRATIVE)
    hold_interview(engine, staff.inquirer, case_id)
    assess(engine, staff.inquirer, case_id)
    with unit_of_work(engine) as s:
        s.add(Decision(application_id=case_id, number=1, status=DecisionStatus.DRAFT,
                       outcome="RECOGNISED_REFUGEE", reasons="placeholder",
                       drafted_by_id=staff.inquirer.id, updated_by_id=staff.inquirer.id))
        for answer in s.execute(select(InterviewAnswer)).scalars().all():
            if isinstance(answer.value.get("v"), str):
                answer.value = {"v": HOSTILE}
                s.add(answer)
    return case_id


def _appealed_case(engine, staff) -> dict[str, int]:  # noqa: ANN001
    from tests.app.review.test_appeal_pages import decided_case

    fields = ["law", "international affairs", "regional studies"]
    people = [_counsellor(engine, f"cns.p{i}", f"Counsellor P{i}", f)
              for i, f in enumerate(fields, 1)]
    today = clock.today()
    case_id = decided_case(engine, staff, notice=today - timedelta(days=2))
    with unit_of_work(engine) as s:
        panel = panels.save_panel(s, actor=staff.manager, name="Panel A",
                                  member_ids=[p.id for p in people],
                                  presiding_id=people[0].id)
        appeal = filing.file_appeal(s, actor=staff.manager, application_id=case_id,
                                    filed_date=today, grounds="placeholder",
                                    evidence=[filing.Evidence("t", "e.txt", b"evidence")])
    with unit_of_work(engine) as s:
        allocation.allocate(s, actor=staff.manager, appeal_id=appeal.id, panel_id=panel.id)
    with unit_of_work(engine) as s:
        hearings.skip_hearing(s, actor=staff.manager, appeal_id=appeal.id, reason="placeholder")
    for counsellor in people:
        with unit_of_work(engine) as s:
            opinions.save_opinion(s, actor=counsellor, appeal_id=appeal.id, well_founded=False,
                                  reasons="placeholder")
            opinions.submit_opinion(s, actor=counsellor, appeal_id=appeal.id)
    with unit_of_work(engine) as s:
        opinions.record_panel_opinion(s, actor=people[0], appeal_id=appeal.id,
                                      summary="placeholder")
    return {"appealed": case_id, "appeal": appeal.id}


def _make_hostile(engine) -> None:  # noqa: ANN001
    with unit_of_work(engine) as s:
        for table, columns in TEXT_FIELDS.items():
            for column in columns:
                # Unique per row (some names are unique), and never empty.
                where = _WHERE.get(table, "1 = 1")
                s.execute(text(f"UPDATE {table} SET {column} = :v || ' ' || rowid "  # noqa: S608
                               f"WHERE {where}"), {"v": HOSTILE})
        s.execute(text("UPDATE person SET aliases = :v"), {"v": f'["{_json(HOSTILE)}"]'})


def _json(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


# --- reading what the page sends -------------------------------------------------------------


def _strings(message: Any, kind: str) -> Iterator[tuple[str, str, bool]]:
    """(kind, string, is raw HTML) of every Markdown-rendered string in a proto message."""
    name = type(message).DESCRIPTOR.name
    if name in PLAIN_MESSAGES:
        return
    html = name == "Markdown" and getattr(message, "allow_html", False)
    for field, value in message.ListFields():
        if field.message_type is not None:
            items = [value] if hasattr(value, "ListFields") else value
            for item in items:
                if hasattr(item, "ListFields"):
                    yield from _strings(item, kind)
        elif field.name in MARKDOWN_FIELDS and isinstance(value, str):
            yield name, value, html
        elif field.name == "options" and name == "Radio":
            for option in value:
                yield name, option, False


def rendered(at: AppTest) -> list[tuple[str, str, bool]]:
    found = []
    for root in (at.main, at.sidebar):
        for node in _walk(root):
            proto = getattr(node, "proto", None)
            if proto is not None and hasattr(proto, "ListFields"):
                found.extend(_strings(proto, type(node).__name__))
    return found


def _signed_in_line(body: str) -> bool:
    """The sidebar's "who is signed in" line, written by workbench/app.py."""
    return body.startswith("**") and body.count("  \n") == 1 and body.endswith(_ROLES)


_ROLES = ("Refugee inquirer", "Manager", "Refugee examination counsellor", "Administrator")


def interpreted(at: AppTest, *, signed_in_line: bool = False) -> list[str]:
    """Each construct built from the hostile value that the page would interpret (in the
    sidebar's signed-in line only with ``signed_in_line``)."""
    problems = []
    for kind, body, html in rendered(at):
        if _signed_in_line(body) != signed_in_line:
            continue
        found = [what for what, pattern in (FORBIDDEN_HTML if html else FORBIDDEN_MD).items()
                 if pattern.search(body)]
        if found:
            problems.append(f"{', '.join(found)} in {kind}: {body[:100]!r}")
    return problems


def shown(at: AppTest) -> bool:
    """Whether the hostile value reached a Markdown element at all (escaped)."""
    return any("attacker" in body for _, body, _ in rendered(at))


# --- every page, every role ------------------------------------------------------------------


def _open(username: str, page: str, **params: int) -> AppTest:
    at = signed_in(username)
    for name, value in params.items():
        at.query_params[name] = str(value)
    at.switch_page(f"../pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def _visits(ids: dict[str, int]) -> list[tuple[str, str, dict[str, int], bool]]:
    """(user, page, query, whether the page shows a hostile value)."""
    doc = {"doc": 1, "passage": 1}
    visits = []
    for case in ("triage", "exam", "appealed"):
        visits += [("inq.one", "case_file", {"case": ids[case]}, True),
                   ("mgr.one", "case_file", {"case": ids[case]}, True)]
    for page in ("interview", "assessment", "decision"):
        visits += [("inq.one", page, {"case": ids["exam"]}, True),
                   ("mgr.one", page, {"case": ids["exam"]}, True)]
    visits += [
        ("inq.one", "cases", {}, False), ("mgr.one", "cases", {}, False),
        ("mgr.one", "queue", {}, True), ("mgr.one", "dashboard", {}, False),
        ("inq.one", "triage", {}, False), ("mgr.one", "triage", {}, True),
        ("adm.one", "triage", {}, False),
        ("mgr.one", "appeals", {}, False), ("mgr.one", "appeal", {"appeal": ids["appeal"]}, True),
        ("cns.p1", "appeals", {}, False), ("cns.p1", "appeal", {"appeal": ids["appeal"]}, True),
        ("cns.p1", "case_file", {"case": ids["appealed"]}, True),
        ("mgr.one", "panels", {}, True),
        ("adm.one", "users", {}, False),
        ("inq.one", "coi_library", {}, True), ("adm.one", "coi_library", {}, True),
        ("inq.one", "coi_document", doc, True), ("adm.one", "coi_document", doc, True),
        ("inq.one", "coi_library", {"case": ids["exam"]}, True),
    ]
    return visits


def test_every_page_shows_hostile_text_as_text(hostile) -> None:  # noqa: ANN001
    engine, staff, ids = hostile
    problems, silent = [], []
    for user, page, params, expect_shown in _visits(ids):
        at = _open(user, page, **params)
        problems += [f"{user} {page} {params}: {p}" for p in interpreted(at)]
        if expect_shown and not shown(at):
            silent.append(f"{user} {page} {params}")
    assert not problems, "\n".join(problems)
    assert not silent, f"the hostile value never reached these pages: {silent}"


def test_the_override_reason_reaches_the_quality_check_as_text(hostile) -> None:  # noqa: ANN001
    at = _open("mgr.one", "triage")
    reasons = [body for kind, body, _ in rendered(at) if "Reason given" in body]
    assert reasons, "the quality check shows no reason"
    assert all("\\!\\[x\\]\\(http" in body for body in reasons)
    assert not interpreted(at)


def test_the_signed_in_line_shows_the_display_name_as_text(hostile) -> None:  # noqa: ANN001
    at = _open("mgr.one", "cases")
    assert [body for _, body, _ in rendered(at) if _signed_in_line(body)]
    assert not interpreted(at, signed_in_line=True)


def test_the_check_fails_when_a_value_reaches_markdown_unescaped() -> None:
    """The assertion is real: the same value written straight into Markdown is caught."""
    def page(value: str) -> None:
        import streamlit as st

        st.markdown(f"Reason given: {value}")
        st.caption(value.upper())

    at = AppTest.from_function(page, args=(HOSTILE,)).run()
    caught = {what for p in interpreted(at) for what in p.split(" in ")[0].split(", ")}
    assert caught == set(FORBIDDEN_MD), caught
