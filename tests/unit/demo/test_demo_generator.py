"""The demo caseload generator: determinism, published proportions, workflow consistency,
repeat applicants and narratives. No database."""

from __future__ import annotations

import difflib
import os
import statistics
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from models.enums import (
    CaseState,
    PrimaryOutcome,
    RemovalSuspension,
    ResidenceStatus,
    SortingCategory,
)
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.settings import get_settings
from workbench.core.workflow import BY_NAME, Context, TransitionInput
from workbench.demo import DemoActors, generate
from workbench.demo.names import strip_diacritics, swap_day_month
from workbench.demo.narratives import LENGTHS, VOICES, blocks

ROOT = Path(__file__).resolve().parents[3]
PARAMS = tomllib.loads((ROOT / "data/demo/parameters.toml").read_text(encoding="utf-8"))
AS_OF = date(2026, 1, 1)  # full calendar years 2019–2025
CASES = 20_000
YEARS = range(2019, 2026)
TOKYO = ZoneInfo("Asia/Tokyo")


def year_value(table: dict, year: int):
    return table[str(year)] if str(year) in table else table["later"]


@pytest.fixture(scope="module")
def data():
    return generate(CASES, seed=11, as_of=AS_OF)


@pytest.fixture(scope="module")
def index(data):
    apps = {a["id"]: a for a in data.applications}
    truth = {t["application_id"]: t for t in data.truth}
    persons = {p["id"]: p for p in data.persons}
    events = defaultdict(list)
    for e in data.events:
        events[e["application_id"]].append(e)
    return SimpleNamespace(apps=apps, truth=truth, persons=persons, events=events)


def window_refugee(data, year):
    return [a for a, t in zip(data.applications, data.truth, strict=True)
            if not t["history"] and a["application_type"] == "REFUGEE"
            and a["lodged_date"].year == year]


# --- determinism ------------------------------------------------------------------------------


def test_same_seed_gives_identical_data_and_another_seed_does_not():
    first = generate(1500, seed=5, as_of=date(2025, 3, 31))
    second = generate(1500, seed=5, as_of=date(2025, 3, 31))
    assert first.persons == second.persons
    assert first.applications == second.applications
    assert first.events == second.events
    assert first.truth == second.truth
    other = generate(1500, seed=6, as_of=date(2025, 3, 31))
    assert [a["claim_narrative"] for a in other.applications] != [
        a["claim_narrative"] for a in first.applications]
    assert [p["family_name"] for p in other.persons] != [p["family_name"] for p in first.persons]


_DIGEST = """
import hashlib
from datetime import date
from workbench.demo import generate
d = generate(800, seed=9, as_of=date(2024, 12, 31))
print(hashlib.sha256(repr((d.persons, d.applications, d.events, d.truth)).encode()).hexdigest())
"""


def test_output_does_not_depend_on_hash_randomisation():
    digests = set()
    for hash_seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run([sys.executable, "-c", _DIGEST], cwd=ROOT, env=env,
                                capture_output=True, text=True, check=True)
        digests.add(result.stdout.strip())
    assert len(digests) == 1


# --- volumes and proportions --------------------------------------------------------------------


def test_yearly_volumes_follow_the_scaled_published_figures(data):
    refugee, cp = PARAMS["volumes"]["refugee"], PARAMS["volumes"]["complementary"]
    expected = {("REFUGEE", y): year_value(refugee, y) for y in YEARS}
    expected.update({("COMPLEMENTARY", y): year_value(cp, y) for y in (2023, 2024, 2025)})
    scale = CASES / sum(expected.values())
    counts = Counter((a["application_type"], a["lodged_date"].year)
                     for a, t in zip(data.applications, data.truth, strict=True)
                     if not t["history"])
    assert sum(counts.values()) == CASES
    for key, published in expected.items():
        assert counts[key] == pytest.approx(published * scale, rel=0.02), key
    # complementary protection only from 1 December 2023
    cp_dates = [a["lodged_date"] for a in data.applications
                if a["application_type"] == "COMPLEMENTARY"]
    assert min(cp_dates) >= date(2023, 12, 1)
    # earlier "history" applications are few and all before 2019, all closed
    history = [a for a, t in zip(data.applications, data.truth, strict=True) if t["history"]]
    assert 0 < len(history) < 0.04 * CASES
    assert all(a["lodged_date"] < date(2019, 1, 1) and a["state"] == "FINAL" for a in history)


def _nationality_shares(year: int) -> dict[str, float]:
    table = PARAMS["nationalities"]
    spec = table[str(year)] if str(year) in table else table["later"]
    shares = {k: v for k, v in spec.items() if k != "tail_share"}
    tail_total = sum(table["tail"].values())
    for k, w in table["tail"].items():
        shares.setdefault(k, 0.0)
        shares[k] += spec["tail_share"] * w / tail_total
    total = sum(shares.values())
    return {k: v / total for k, v in shares.items()}


@pytest.mark.parametrize("year", list(YEARS))
def test_top_five_nationalities_per_year(data, index, year):
    apps = window_refugee(data, year)
    counts = Counter(index.truth[a["id"]]["nationality"] for a in apps)
    shares = _nationality_shares(year)
    top5 = sorted(shares, key=shares.get, reverse=True)[:5]
    for nat in top5:
        assert counts[nat] / len(apps) == pytest.approx(shares[nat], abs=0.03), nat
    assert len(counts) >= 30  # a long tail of countries


def test_person_nationality_matches_the_case(data, index):
    for a in data.applications:
        assert index.persons[a["person_id"]]["nationality"] == index.truth[a["id"]]["nationality"]


@pytest.mark.parametrize("year", list(YEARS))
def test_status_of_residence_at_filing(data, year):
    apps = window_refugee(data, year)
    shares = year_value({k: v for k, v in PARAMS["residence"].items() if k[0].isdigit()
                         or k == "later"}, year)
    total = sum(shares.values())
    counts = Counter(a["residence_status_at_filing"] for a in apps)
    for status, share in shares.items():
        assert counts[status] / len(apps) == pytest.approx(share / total, abs=0.02), status


def test_sorting_mix_and_residence_measures(data, index):
    sorting = PARAMS["sorting"]
    for year in YEARS:
        apps = window_refugee(data, year)
        planned = {a["id"]: index.truth[a["id"]]["planned_category"] for a in apps}
        lawful_first = [a for a in apps if a["residence_status_at_filing"] != "NO_STATUS"
                        and a["application_number"] == 1]
        a_share = sum(planned[a["id"]] == "A" for a in lawful_first) / len(lawful_first)
        b_share = sum(planned[a["id"]] == "B" for a in lawful_first) / len(lawful_first)
        assert a_share == pytest.approx(year_value(sorting["a_share"], year), abs=0.015)
        assert b_share == pytest.approx(sorting["b_share"], abs=0.006)
        lawful_repeat = [a for a in apps if a["residence_status_at_filing"] != "NO_STATUS"
                         and a["application_number"] > 1]
        if len(lawful_repeat) > 50:
            c_share = sum(planned[a["id"]] == "C" for a in lawful_repeat) / len(lawful_repeat)
            assert c_share == pytest.approx(sorting["c_share_of_lawful_repeats"], abs=0.04)
    for a in data.applications:
        category = index.truth[a["id"]]["planned_category"]
        no_status = a["residence_status_at_filing"] == ResidenceStatus.NO_STATUS
        assert (category == "NA") == no_status
        if category == "C":
            assert a["application_number"] >= 2
        if category == "D1":
            assert a["activities_ceased"] or a["residence_status_at_filing"] == (
                "DA_DEPARTURE_PREPARATION")
        sorted_ = any(e["action"] == "confirm_sorting" for e in index.events[a["id"]])
        if sorted_:
            assert a["sorting_category"] == category
            if category == "NA":
                assert a["residence_measure"] in ("PROVISIONAL_STAY", "NO_STATUS")
        else:
            assert a["sorting_category"] == SortingCategory.UNSORTED
            assert a["residence_measure"] == "UNDECIDED"
    # technical interns who left and students who dropped out are D1
    ceased = Counter(a["residence_status_at_filing"] for a in data.applications
                     if a["activities_ceased"])
    assert ceased["TECHNICAL_INTERN"] > 0 and ceased["STUDENT"] > 0
    assert ceased["TEMPORARY_VISITOR"] == 0


def test_outcome_mix(data, index):
    outcomes = PARAMS["outcomes"]
    for year in YEARS:
        apps = window_refugee(data, year)
        planned = Counter(index.truth[a["id"]]["planned_outcome"] for a in apps)
        n = len(apps)
        assert planned["RECOGNISED_REFUGEE"] / n == pytest.approx(
            year_value(outcomes["refugee"], year), abs=0.01)
        assert planned["NOT_RECOGNISED_HUMANITARIAN_STAY"] / n == pytest.approx(
            year_value(outcomes["humanitarian"], year), abs=0.01)
        assert planned["WITHDRAWN"] / n == pytest.approx(
            year_value(outcomes["withdrawn"], year), abs=0.01)
    all_refugee = [a for a, t in zip(data.applications, data.truth, strict=True)
                   if not t["history"] and a["application_type"] == "REFUGEE"]
    mix = Counter(index.truth[a["id"]]["planned_outcome"] for a in all_refugee)
    n = len(all_refugee)
    # DOMAIN §8.3: per 100 decided ≈2 refugee, ≈10–15 humanitarian (≈8 % over 2019–2024 in
    # DOMAIN §6.1), ≈60 not recognised, ≈30 withdrawn
    assert 0.01 <= mix["RECOGNISED_REFUGEE"] / n <= 0.04
    assert 0.06 <= mix["NOT_RECOGNISED_HUMANITARIAN_STAY"] / n <= 0.16
    assert 0.50 <= mix["NOT_RECOGNISED"] / n <= 0.68
    assert 0.25 <= mix["WITHDRAWN"] / n <= 0.35
    # recognitions concentrated on Afghanistan and Myanmar; Myanmar humanitarian 2021–2023
    recognised = Counter(index.truth[a["id"]]["nationality"] for a in all_refugee
                         if index.truth[a["id"]]["planned_outcome"] == "RECOGNISED_REFUGEE")
    assert (recognised["AFG"] + recognised["MMR"]) / sum(recognised.values()) > 0.4
    assert recognised.most_common(1)[0][0] in ("AFG", "MMR")
    humanitarian_2122 = Counter(
        index.truth[a["id"]]["nationality"] for y in (2021, 2022)
        for a in window_refugee(data, y)
        if index.truth[a["id"]]["planned_outcome"] == "NOT_RECOGNISED_HUMANITARIAN_STAY")
    assert humanitarian_2122["MMR"] / sum(humanitarian_2122.values()) > 0.5
    # complementary protection: ~97 % recognised
    cp = [a for a in data.applications if a["application_type"] == "COMPLEMENTARY"]
    cp_planned = Counter(index.truth[a["id"]]["planned_outcome"] for a in cp)
    assert cp_planned["RECOGNISED_CP"] / len(cp) == pytest.approx(0.977, abs=0.01)
    assert Counter(index.truth[a["id"]]["nationality"] for a in cp)["UKR"] / len(cp) > 0.9
    # a closed case ends with its planned outcome (or recognition granted on review)
    for a in data.applications:
        if a["state"] == "FINAL":
            planned_outcome = index.truth[a["id"]]["planned_outcome"]
            if a["review_ruling"] == "GRANTED":
                assert a["outcome"] in ("RECOGNISED_REFUGEE", "RECOGNISED_CP")
            else:
                assert a["outcome"] == planned_outcome


def test_repeat_shares_and_third_applications(data, index):
    for year in YEARS:
        apps = window_refugee(data, year)
        share = sum(a["application_number"] > 1 for a in apps) / len(apps)
        assert share == pytest.approx(year_value(PARAMS["repeats"]["share"], year), abs=0.01)
    repeats = [a for a in data.applications if a["application_number"] > 1]
    third = [a for a in repeats if a["application_number"] >= 3]
    assert len(third) > 0.1 * len(repeats)
    assert any(a["application_number"] >= 4 for a in repeats)
    with_materials = sum(a["reasonable_grounds_materials"] for a in third) / len(third)
    assert with_materials == pytest.approx(0.20, abs=0.06)
    exception_from = date(2024, 6, 10)
    for a in data.applications:
        expected = (RemovalSuspension.EXCEPTION_THIRD_APPLICATION
                    if a["application_number"] >= 3 and not a["reasonable_grounds_materials"]
                    and a["lodged_date"] >= exception_from else RemovalSuspension.SUSPENDED)
        assert a["removal_suspension"] == expected
        if a["application_number"] < 3:
            assert not a["reasonable_grounds_materials"]
    turkish = Counter(index.truth[a["id"]]["nationality"] for a in repeats
                      if a["lodged_date"].year == 2024)
    assert turkish.most_common(1)[0][0] == "TUR"


def test_repeat_applications_follow_an_earlier_refusal_of_the_same_person(data, index):
    repeats = [a for a in data.applications if a["application_number"] > 1]
    reused = 0
    for a in repeats:
        prev = index.apps[a["previous_application_id"]]
        assert index.truth[prev["id"]]["true_person"] == index.truth[a["id"]]["true_person"]
        assert prev["application_number"] == a["application_number"] - 1
        assert prev["state"] == CaseState.FINAL and prev["outcome"] == PrimaryOutcome.NOT_RECOGNISED
        assert prev["lodged_date"] < a["lodged_date"]
        ended = index.events[prev["id"]][-1]["occurred_at"]
        assert ended.date() < a["lodged_date"]
        assert index.truth[prev["id"]]["nationality"] == index.truth[a["id"]]["nationality"]
        if a["person_id"] == prev["person_id"]:
            reused += 1
            assert index.truth[a["id"]]["reuses_person_row"]
    assert reused / len(repeats) == pytest.approx(0.75, abs=0.05)
    # each earlier application is repeated at most once
    previous = Counter(a["previous_application_id"] for a in repeats)
    assert max(previous.values()) == 1
    # an unlinked registration is a separate Person row of the same real person
    unlinked = [a for a in repeats if not index.truth[a["id"]]["reuses_person_row"]]
    assert unlinked
    for a in unlinked:
        assert a["person_id"] != index.apps[a["previous_application_id"]]["person_id"]


def _name_similarity(one: str, other: str) -> float:
    """Similarity of two spellings, ignoring token order, case, diacritics and spacing."""
    def norm(text: str) -> str:
        return strip_diacritics(text).lower()

    def tokenwise(xs: list[str], ys: list[str]) -> float:
        return statistics.mean(max(difflib.SequenceMatcher(None, x, y).ratio() for y in ys)
                               for x in xs)

    joined = difflib.SequenceMatcher(None, norm(one).replace(" ", ""),
                                     norm(other).replace(" ", "")).ratio()
    return max(joined, tokenwise(norm(one).split(), norm(other).split()))


def _first_application(index, application):
    while application["previous_application_id"] is not None:
        application = index.apps[application["previous_application_id"]]
    return application


def test_repeat_names_are_spelled_differently_and_dates_of_birth_swapped(data, index):
    repeats = [a for a in data.applications if a["application_number"] > 1]
    differ = swapped = year_only = 0
    examples = Counter()
    for a in repeats:
        first = _first_application(index, a)
        registered = index.persons[first["person_id"]]
        if a["name_as_entered"] != first["name_as_entered"]:
            differ += 1
            one = sorted(strip_diacritics(a["name_as_entered"]).lower().split())
            other = sorted(strip_diacritics(first["name_as_entered"]).lower().split())
            ratio = _name_similarity(a["name_as_entered"], first["name_as_entered"])
            assert ratio >= 0.5, (a["name_as_entered"], first["name_as_entered"])
            if one == other:
                examples["order or diacritics only"] += 1
        dob = registered["date_of_birth"]
        if dob is not None:
            if a["date_of_birth_as_entered"] is None:
                year_only += 1
            elif a["date_of_birth_as_entered"] != dob:
                assert a["date_of_birth_as_entered"] == swap_day_month(dob)
                swapped += 1
        if index.truth[a["id"]]["reuses_person_row"] and a["name_as_entered"] != (
                first["name_as_entered"]):
            person = index.persons[a["person_id"]]
            family, given = person["family_name"], person["given_names"]
            registered_spellings = {f"{given} {family}", f"{family} {given}", family}
            assert (a["name_as_entered"] in person["aliases"]
                    or a["name_as_entered"] in registered_spellings)
    assert differ / len(repeats) > 0.4
    assert swapped > 0.03 * len(repeats)
    assert year_only > 0
    assert examples["order or diacritics only"] > 0
    # typical transliterations show up
    entered = " ".join(a["name_as_entered"] for a in repeats)
    originals = " ".join(_first_application(index, a)["name_as_entered"] for a in repeats)
    assert any(v in entered for v in ("Muhammad", "Mohammed", "Mohamed", "Mohammad"))
    assert "Şahin" in originals or "Çelik" in originals or "Yıldız" in originals
    assert any(v in entered for v in ("Sahin", "Celik", "Yildiz", "Yilmaz", "Dogan"))


def test_people(data):
    persons = data.persons
    ages = []
    for p in persons:
        if p["date_of_birth"] is not None:
            ages.append(2024 - p["date_of_birth"].year)
            assert p["birth_year"] == p["date_of_birth"].year
        else:
            assert p["birth_year"]
    assert sum(a < 18 for a in ages) > 0
    core = sum(20 <= a <= 50 for a in ages) / len(ages)
    assert core > 0.6
    by_nat = defaultdict(list)
    for p in persons:
        by_nat[p["nationality"]].append(p["name_original"])
    for nat in ("THA", "MMR", "UKR", "CHN"):
        recorded = [o for o in by_nat[nat] if o]
        assert recorded, nat
    assert all(o is None for o in by_nat["LKA"])
    assert any("ก" <= ch <= "๛" for o in by_nat["THA"] if o for ch in o)
    assert any("А" <= ch <= "ї" for o in by_nat["UKR"] if o for ch in o)
    assert all(p["languages"] for p in persons)
    assert {p["sex"] for p in persons} >= {"M", "F"}


def test_offices_and_case_numbers(data):
    apps = data.applications
    offices = Counter(a["office"] for a in apps)
    assert offices["TOKYO"] / len(apps) == pytest.approx(0.55, abs=0.03)
    assert set(offices) == set(PARAMS["offices"])
    codes = {k: v["code"] for k, v in PARAMS["offices"].items()}
    numbers = [a["case_number"] for a in apps]
    assert len(set(numbers)) == len(numbers)
    for a in apps[:500]:
        code, year, serial = a["case_number"].split("-")
        assert code == codes[a["office"]] and int(year) == a["lodged_date"].year
        assert int(serial) == a["id"]


# --- processing times and reviews ---------------------------------------------------------------


def test_median_decision_time_per_lodging_year(data, index):
    decision = PARAMS["processing"]["decision"]
    for year in YEARS:
        drawn = [index.truth[a["id"]]["decision_days_drawn"] for a in window_refugee(data, year)
                 if index.truth[a["id"]]["planned_category"] not in ("B", "C")]
        expected = year_value(decision["median_months"], year) * 30.4375
        assert statistics.median(drawn) == pytest.approx(expected, rel=0.15), year
    # expedited B and C cases are quicker
    b_c = [t["decision_days_drawn"] for t in data.truth
           if t["planned_category"] in ("B", "C") and not t["history"]]
    others = [t["decision_days_drawn"] for t in data.truth
              if t["planned_category"] not in ("B", "C") and not t["history"]]
    assert statistics.median(b_c) < 0.7 * statistics.median(others)
    # served decisions: notice date = lodging + decision time
    for a in data.applications[:3000]:
        if a["notice_date"] is not None and not index.truth[a["id"]]["history"]:
            assert (a["notice_date"] - a["lodged_date"]).days >= index.truth[a["id"]][
                "decision_days"]


def test_sorting_mostly_within_two_months(data, index):
    settings = get_settings()
    late = total = 0
    for a in data.applications:
        for e in index.events[a["id"]]:
            if e["action"] == "confirm_sorting":
                total += 1
                late += e["occurred_at"].date() > clock.sorting_deadline(a["lodged_date"],
                                                                          settings)
    assert 0.08 <= late / total <= 0.16


def test_review_filings_within_the_window_unless_late_with_a_reason(data):
    settings = get_settings()
    filed = late = 0
    for a in data.applications:
        if a["review_filed_date"] is None:
            continue
        filed += 1
        assert a["review_basis"] == "NON_RECOGNITION"
        assert a["review_filed_date"] >= a["notice_date"]
        deadline = clock.review_deadline(a["notice_date"], settings)
        if a["review_filed_date"] > deadline:
            late += 1
            assert a["review_late_reason"]
        else:
            assert a["review_late_reason"] is None
    assert filed > 0.2 * len(data.applications)
    assert 0 < late <= 0.05 * filed
    rulings = Counter(a["review_ruling"] for a in data.applications if a["review_ruling"])
    assert rulings["DISMISSED_MERITS"] > rulings["DISMISSED_INADMISSIBLE"] > 0
    assert rulings["WITHDRAWN"] > 0
    granted = rulings["GRANTED"] / sum(rulings.values())
    assert granted < 0.02


def test_share_of_refusals_taken_to_review(data):
    settings = get_settings()
    eligible = [a for a in data.applications
                if a["outcome"] in ("NOT_RECOGNISED",) and a["notice_date"] is not None
                and clock.review_deadline(a["notice_date"], settings) < AS_OF - timedelta(60)]
    share = sum(a["review_filed_date"] is not None for a in eligible) / len(eligible)
    assert 0.55 <= share <= 0.75


def test_backlog_pending_at_every_stage(data):
    states = Counter(a["state"] for a in data.applications)
    for state in CaseState:
        assert states[state] > 0, state


# --- workflow ----------------------------------------------------------------------------------


def test_every_event_sequence_follows_the_workflow_and_matches_the_case(data, index):
    """Replays each case through the real guards and effects of workbench.core.workflow."""
    settings = get_settings()
    roles = DemoActors.default().role_of()
    for a in data.applications:
        events = index.events[a["id"]]
        assert events[0]["action"] == "register" and events[0]["from_state"] is None
        assert events[0]["to_state"] == CaseState.RECEIVED
        assert events[0]["occurred_at"].date() == a["lodged_date"]
        app = SimpleNamespace(
            id=a["id"], application_type=a["application_type"], lodged_date=a["lodged_date"],
            residence_status_at_filing=a["residence_status_at_filing"],
            application_number=a["application_number"], sorting_category="UNSORTED",
            residence_measure="UNDECIDED", outcome=None, decision_drafted_by_id=None,
            notice_date=None, review_basis=None, review_filed_date=None,
            review_late_reason=None, review_ruling=None, state=CaseState.RECEIVED)
        previous = events[0]
        for e in events[1:]:
            spec = BY_NAME[e["action"]]
            assert e["from_state"] == previous["to_state"]
            assert CaseState(e["from_state"]) in spec.sources, e["action"]
            assert e["to_state"] == spec.target
            assert e["occurred_at"] > previous["occurred_at"]
            assert roles[e["actor_id"]] in spec.roles, e["action"]
            if spec.reason_required:
                assert e["reason"]
            today = e["occurred_at"].astimezone(TOKYO).date()
            draft_outcome = a["outcome"]
            if draft_outcome in (None, "WITHDRAWN") or a["review_ruling"] == "GRANTED":
                draft_outcome = "NOT_RECOGNISED"
            data_in = TransitionInput(
                reason=e["reason"], category=a["sorting_category"],
                residence_measure=a["residence_measure"], outcome=draft_outcome,
                notice_date=today, filed_date=a["review_filed_date"],
                ruling=a["review_ruling"])
            actor = Actor(e["actor_id"], "u", "u", roles[e["actor_id"]])
            ctx = Context(None, actor, app, data_in, settings, today)
            for guard in spec.guards:
                assert guard(ctx) is None, (a["case_number"], e["action"], guard(ctx))
            for effect in spec.effects:
                effect(ctx)
            app.state = spec.target
            previous = e
        assert a["state"] == previous["to_state"] == app.state
        assert a["version"] == len(events)
        assert a["created_at"] == events[0]["occurred_at"]
        assert a["updated_at"] == previous["occurred_at"]
        assert a["updated_by_id"] == previous["actor_id"]
        for field in ("sorting_category", "residence_measure", "outcome",
                      "decision_drafted_by_id", "notice_date", "review_basis",
                      "review_filed_date", "review_late_reason", "review_ruling"):
            assert a[field] == getattr(app, field), (a["case_number"], field)
        if a["state"] in ("RECEIVED",):
            assert a["sorting_category"] == "UNSORTED"


def test_event_times_are_office_hours_in_tokyo_and_before_as_of(data):
    for e in data.events:
        moment = e["occurred_at"]
        assert moment.tzinfo is not None and moment.utcoffset() == timedelta(0)
        local = moment.astimezone(TOKYO)
        assert 9 <= local.hour < 18
        assert local.date() < AS_OF
        assert not clock.is_closed_day(local.date())
    assert max(e["occurred_at"] for e in data.events) < datetime.combine(
        AS_OF, datetime.min.time(), UTC)


def test_four_eyes_and_actors(data, index):
    actors = DemoActors.default()
    inquirers = {uid for uid, _ in actors.inquirers}
    managers = {uid for uid, _ in actors.managers}
    for a in data.applications:
        if a["state"] == CaseState.RECEIVED.value:
            assert a["assigned_inquirer_id"] is None  # waiting in the manager's queue
            continue
        assert a["assigned_inquirer_id"] in inquirers
        drafter = None
        for e in index.events[a["id"]]:
            if e["action"] == "draft_decision":
                drafter = e["actor_id"]
                assert drafter == a["assigned_inquirer_id"]
            if e["action"] == "approve_decision":
                assert e["actor_id"] in managers and e["actor_id"] != drafter


# --- narratives --------------------------------------------------------------------------------


def test_narratives_cover_every_theme_voice_and_length(data, index):
    b = blocks()
    themes = Counter(t for truth in data.truth for t in truth["themes"])
    assert set(themes) == set(b.themes)
    assert set(Counter(t["voice"] for t in data.truth)) == set(VOICES)
    assert set(Counter(t["length"] for t in data.truth)) == set(LENGTHS)
    mixed = [t for t in data.truth if len(t["themes"]) == 2]
    assert 0.1 < len(mixed) / len(data.truth) < 0.3
    assert any({b.kinds[x] for x in t["themes"]} == {"convention", "non_convention"}
               for t in mixed)
    lengths = [len(a["claim_narrative"]) for a in data.applications]
    assert min(lengths) < 200 and max(lengths) > 1200
    for a in data.applications:
        text = a["claim_narrative"]
        assert text and "{" not in text and "}" not in text
        assert a["claim_language"] == "en"
    long_ones = [a for a in data.applications if index.truth[a["id"]]["length"] == "long"]
    assert all("\n\n" in a["claim_narrative"] for a in long_ones)
    officer = [a for a in data.applications if index.truth[a["id"]]["voice"] == "officer"
               and index.truth[a["id"]]["length"] != "short"]
    assert sum("The applicant" in a["claim_narrative"] for a in officer) > 0.9 * len(officer)


def test_narrative_themes_follow_category_and_outcome(data, index):
    b = blocks()
    for a in data.applications:
        truth = index.truth[a["id"]]
        kinds = {b.kinds[t] for t in truth["themes"]}
        if a["application_type"] == "COMPLEMENTARY":
            assert truth["themes"][0] == "CONFLICT"
        elif truth["planned_category"] == "B" and a["application_number"] == 1:
            assert kinds == {"non_convention"}, truth["themes"]
        elif truth["planned_category"] == "A" and a["application_number"] == 1:
            assert b.kinds[truth["themes"][0]] in ("convention", "conflict")
        elif truth["planned_outcome"] == "RECOGNISED_REFUGEE" and a["application_number"] == 1:
            assert b.kinds[truth["themes"][0]] == "convention"
        if truth["planned_category"] == "C":
            prior = index.truth[a["previous_application_id"]]
            assert truth["repeat_narrative"] in ("same", "new")
            assert tuple(truth["themes"]) == tuple(prior["themes"][:len(truth["themes"])])
        if truth["themes"] and "GENDER" in truth["themes"]:
            assert index.persons[a["person_id"]]["sex"] == "F"
    non_convention = Counter(t for truth in data.truth for t in truth["themes"]
                             if b.kinds[t] == "non_convention")
    assert set(non_convention) == {"DEBT", "LAND_INHERITANCE", "WORK_HARDSHIP",
                                   "PRIVATE_QUARREL", "GENERAL_INSECURITY"}


def test_text_banks_are_complete():
    b = blocks()
    for name, spec in b.themes.items():
        assert spec["kind"] in ("convention", "conflict", "non_convention")
        for voice in VOICES:
            for step in ("short", "cause", "incident", "escalation", "protection"):
                assert spec[voice][step], (name, voice, step)
    for voice in VOICES:
        for part in ("opening", "background", "travel", "fear", "closing", "repeat_same",
                     "repeat_new", "connector"):
            assert b.voices[voice][part], (voice, part)
