"""Case-linked COI suggestions: ranked by nationality and claim topics, explained, and
measured on the judged set (recall@10 and nDCG@10, figures in benchmarks/RESULTS.md)."""

from __future__ import annotations

from datetime import date

from coi.evaluation import evaluate, load_judged
from coi.suggest import suggest
from tests.conftest import insert_case
from workbench.core.db import unit_of_work
from workbench.demo.coi_samples import COI_DATA_DIR
from workbench.library.suggestions import suggestions_for_case

TODAY = date(2026, 11, 23)


def test_judged_set_recall_and_ndcg(library) -> None:  # noqa: ANN001
    engine = library.engine
    queries = load_judged(COI_DATA_DIR / "judged.toml")
    with unit_of_work(engine, write=False) as session:
        report = evaluate(session, queries, today=TODAY, k=10)
    print(f"{engine.dialect.name}: recall@10 {report.recall:.3f}, nDCG@10 {report.ndcg:.3f}")
    # Measured 0.61 / 0.67 on SQLite; the floor catches a ranking that lost its way.
    assert report.recall >= 0.5
    assert report.ndcg >= 0.55
    assert all(q.found >= 1 for q in report.queries), [q.id for q in report.queries
                                                       if q.found == 0]


def test_suggestions_stay_in_the_country_and_explain_themselves(library) -> None:  # noqa: ANN001
    engine = library.engine
    narrative = ("I am a Tamil man from Jaffna. The police and the army detained me twice "
                 "under the Prevention of Terrorism Act because they suspected me of links "
                 "to the LTTE. I was beaten in detention.")
    with unit_of_work(engine, write=False) as session:
        found = suggest(session, nationality="LKA", narrative=narrative, today=TODAY)
    assert 1 <= len(found) <= 10
    assert all("LKA" in s.hit.countries for s in found)
    top = found[0]
    assert top.reasons[0] == "About Sri Lanka, the applicant's country"
    assert any(r.startswith("Topics shared with the claim") for r in top.reasons)
    assert any(r.startswith("Words from the claim") for r in top.reasons)
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)


def test_no_nationality_or_unknown_country_gives_nothing(library) -> None:  # noqa: ANN001
    engine = library.engine
    with unit_of_work(engine, write=False) as session:
        assert suggest(session, nationality=None, narrative="police", today=TODAY) == []
        assert suggest(session, nationality="ISL", narrative="police detention",
                       today=TODAY) == []


def test_suggestions_for_a_case_respect_case_access(library) -> None:  # noqa: ANN001
    engine, staff = library.engine, library.staff
    import pytest

    from workbench.core.errors import PermissionDenied

    case_id = insert_case(engine, inquirer=staff.inquirer)
    with unit_of_work(engine, write=False) as session:
        suggestions_for_case(session, actor=staff.inquirer, application_id=case_id)
    with pytest.raises(PermissionDenied):
        with unit_of_work(engine, write=False) as session:
            suggestions_for_case(session, actor=staff.inquirer2,
                                 application_id=case_id)
