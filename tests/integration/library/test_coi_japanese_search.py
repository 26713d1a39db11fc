"""Japanese library search on each backend (issue 16, point 6): spellings in kana and kanji
find each other, a two-character word still matches inside a longer one, and on the judged
Japanese set the method in force ranks at least as well as character bigrams."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from coi import cjk
from coi.ja_evaluation import evaluate, load_collection, load_into, load_queries, reindex
from coi.search import search
from coi.search_request import SearchRequest
from coi.snippets import marked

TODAY = date(2026, 12, 1)


@pytest.fixture
def library(engine) -> tuple[Session, dict[str, int]]:  # noqa: ANN001
    """The judged Japanese collection, indexed as ingestion indexes it; the session and
    passage label -> id."""
    session = Session(engine)
    labels, _ = load_into(session, load_collection())
    yield session, labels
    session.rollback()
    session.close()


def found(library, query: str) -> set[str]:  # noqa: ANN001
    session, labels = library
    names = {v: k for k, v in labels.items()}
    hits = search(session, SearchRequest(query=query, limit=200), today=TODAY).hits
    return {names[h.passage_id] for h in hits}


def test_a_kana_query_finds_the_kanji_spelling(library) -> None:  # noqa: ANN001
    # 拷問 is written in kanji only; typed in hiragana or katakana it is still found.
    kanji = found(library, "拷問")
    assert {"tur-3", "lka-4", "irn-6"} <= kanji
    assert found(library, "ごうもん") >= kanji
    assert found(library, "ゴウモン") >= kanji
    assert {"tur-1", "irn-1"} <= found(library, "たいほ")  # 逮捕


def test_a_kanji_query_finds_the_kana_spelling_and_other_okurigana(library) -> None:  # noqa: ANN001
    # mmr-4 writes こども, mmr-1 子供, mmr-2 子ども: each spelling finds all three.
    for query in ("子供", "子ども", "こども"):
        assert {"mmr-1", "mmr-2", "mmr-4"} <= found(library, query), query
    # tur-4 writes 取り調べ, tur-6 取調べ; lka-4 申立て, tur-3 申し立て.
    for query in ("取り調べ", "取調べ"):
        assert {"tur-4", "tur-6"} <= found(library, query), query
    for query in ("申し立て", "申立て"):
        assert {"tur-3", "lka-4"} <= found(library, query), query


def test_two_character_words_still_match_inside_longer_ones(library) -> None:  # noqa: ANN001
    refugee = found(library, "難民")
    assert {"jpn-1", "jpn-4", "note-rohingya-bgd", "intl-1"} <= refugee  # 難民認定申請 …
    assert "intl-3" not in refugee  # says 庇護を求める人々, never 難民
    assert {"note-rohingya-bgd", "mmr-3"} <= found(library, "ロヒンギャ 難民 OR 人身取引")


def test_the_kana_query_marks_the_kanji_in_the_snippet(library) -> None:  # noqa: ANN001
    session, labels = library
    hits = search(session, SearchRequest(query="ごうもん", limit=50), today=TODAY).hits
    lka = next(h for h in hits if h.passage_id == labels["lka-4"])
    assert "**拷問**" in marked(list(lka.snippet))


def test_on_the_judged_set_the_method_in_force_ranks_at_least_as_well_as_bigrams(
        library) -> None:  # noqa: ANN001
    session, labels = library
    queries = load_queries()
    assert len(queries) >= 40 and len({q.text for q in queries}) == len(queries)
    chosen = evaluate(session, queries, labels, method=cjk.JA_METHOD)
    reindex(session, cjk.BIGRAMS)
    bigrams = evaluate(session, queries, labels, method=cjk.BIGRAMS)
    reindex(session, cjk.JA_METHOD)
    again = evaluate(session, queries, labels, method=cjk.JA_METHOD)
    assert again.map == pytest.approx(chosen.map)  # re-indexing gives the same index back
    assert chosen.map >= bigrams.map and chosen.ndcg >= bigrams.ndcg
    assert chosen.recall >= bigrams.recall
    # The spellings are where the difference is: bigrams cannot find a kana query's kanji.
    assert chosen.mean("recall", "spelling") > bigrams.mean("recall", "spelling")
    kana = next(q for q in bigrams.queries if q.text == "ごうもん")
    assert kana.found == 0


def test_migration_0015_reindexes_japanese_passages_and_back(tmp_path) -> None:  # noqa: ANN001
    """A library indexed with bigrams only (before 0015) is re-indexed with the words by
    the upgrade, so a kana query finds the kanji spelling; downgrade writes bigrams back."""
    from alembic import command

    from workbench.core.db import alembic_config, make_engine, upgrade

    url = f"sqlite:///{tmp_path / 'before.db'}"
    upgrade(url, "0014")
    engine = make_engine(url)
    collection = [d for d in load_collection() if d.key in ("tur", "mmr")]
    with Session(engine) as session, cjk.using_ja_method(cjk.BIGRAMS):
        labels, _ = load_into(session, collection)
        session.commit()
    library = (Session(engine), labels)
    with cjk.using_ja_method(cjk.BIGRAMS):
        assert found(library, "ごうもん") == set()
    library[0].close()

    upgrade(url, "0015")
    library = (Session(engine), labels)
    assert "tur-3" in found(library, "ごうもん")
    assert {"mmr-1", "mmr-2", "mmr-4"} <= found(library, "こども")
    assert "mmr-2" in found(library, "難民 OR ロヒンギャ")
    library[0].close()

    command.downgrade(alembic_config(url), "0014")
    with Session(engine) as session:
        from sqlalchemy import text

        forms = session.execute(text("SELECT index_text FROM coi_passage")).scalars().all()
        terms = session.execute(text("SELECT term FROM coi_term_stat")).scalars().all()
    assert forms and not any(cjk.WORD_MARK + "拷問" in f.split() for f in forms)
    assert "拷問" in terms and cjk.WORD_MARK + "拷問" not in terms
    engine.dispose()
