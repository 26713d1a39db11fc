"""The COI search language: parsing, messages for mistakes, and matching on a real SQLite
FTS5 index (English and Japanese)."""

from __future__ import annotations

import sqlite3

import pytest

from coi import cjk
from coi.query import And, Not, Or, Phrase, QueryError, Term, parse, to_fts5, to_tsquery

DOCS = {
    1: "Asylum seekers from the Hazara community reported attacks by the Taliban.",
    2: "Journalists faced arrest; sports reporters were not affected.",
    3: "Forced marriage of girls remains common in rural districts.",
    4: "The police used torture against detainees, according to witnesses.",
    5: "Police officers were accused of widespread torture in custody.",
    6: "ISKP claimed responsibility for an attack on a Shia mosque.",
    7: "Persecution of religious minorities continued; persecuted groups fled.",
    8: "難民認定申請の審査は出入国在留管理庁が行う。",
    9: "難民の状況について報告書が公表された。",
    10: "民間の団体が支援を行った。",
    11: "トルコでは取調べの際に拷問を受けたとの申立てがあった。",
    12: "子どもの出生登録は行われていない。",
    13: "東京都の団体が高速道路の検問所で調べを受けた。",
}


@pytest.fixture(scope="module")
def index() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE passages USING fts5(body, tokenize='unicode61', "
                 "prefix='2 3')")
    conn.executemany("INSERT INTO passages(rowid, body) VALUES (?, ?)",
                     [(k, cjk.index_form(v)) for k, v in DOCS.items()])
    return conn


def hits(index: sqlite3.Connection, query: str) -> set[int]:
    expression = to_fts5(parse(query))
    return {r[0] for r in index.execute(
        "SELECT rowid FROM passages WHERE passages MATCH ?", (expression,))}


def test_parse_shapes() -> None:
    assert parse("asylum seekers") == And((Term("asylum"), Term("seekers")))
    assert parse("Taliban OR ISKP") == Or((Term("taliban"), Term("iskp")))
    assert parse("journalist NOT sport") == And((Term("journalist"), Not(Term("sport"))))
    assert parse('"forced marriage"') == Phrase(("forced", "marriage"))
    assert parse('"police torture"~5') == Phrase(("police", "torture"), within=5)
    assert parse("persecut*") == Term("persecut", prefix=True)
    assert parse("(Hazara OR Shia) attack") == And(
        (Or((Term("hazara"), Term("shia"))), Term("attack")))
    assert parse("a AND b") == parse("a b")
    assert parse("cats or dogs") == And((Term("cats"), Term("or"), Term("dogs")))


@pytest.mark.parametrize(("query", "expected"), [
    ("asylum seekers", {1}),
    ("Taliban OR ISKP", {1, 6}),
    ("attack*", {1, 6}),
    ("police torture", {4, 5}),
    ('"police used torture"', {4}),
    ('"police torture"~3', {4}),
    ('"police torture"~4', {4}),
    ('"police torture"~5', {4, 5}),
    ('"forced marriage"', {3}),
    ("persecut*", {7}),
    ("(Hazara OR Shia) attack*", {1, 6}),
    ("police NOT custody", {4}),
    ("journalists NOT sports", set()),
    ("POLICE Torture", {4, 5}),
    ("難民", {8, 9}),
    ("難民認定", {8}),
    ("申請 OR 報告書", {8, 9}),
    ("民間", {10}),
    ("難民 NOT 審査", {9}),
])
def test_matching_on_fts5(index: sqlite3.Connection, query: str, expected: set[int]) -> None:
    assert hits(index, query) == expected


@pytest.mark.parametrize(("query", "message"), [
    ("", "Type one or more words"),
    ("   ", "Type one or more words"),
    ('"forced marriage', "closing quotation mark"),
    ("(Hazara OR Shia", "never closed"),
    ("Hazara)", "closing parenthesis without an opening"),
    ("*secut", "cannot start a word"),
    ("pers?cution", "Only a trailing *"),
    ('"persecut* groups"', "inside a phrase"),
    ("NOT sport", "NOT needs something"),
    ("Taliban OR NOT ISKP", "NOT needs something"),
    ("OR Taliban", "needs a word on each side"),
    ("Taliban OR", "ends where a word was expected"),
    ('""', "empty"),
])
def test_mistakes_get_a_message(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse(query)


def test_fts5_quotes_special_characters(index: sqlite3.Connection) -> None:
    # Characters that mean something to FTS5 are searched as text, never as syntax.
    assert hits(index, "custody.") == {5}
    assert to_fts5(parse("o'brien")) == '"o brien"'


def test_tsquery_translation() -> None:
    # A single word also matches its other forms (its stem, see coi.cjk); phrases do not.
    assert to_tsquery(parse("Taliban OR ISKP")) == (
        "(('taliban' | '00taliban') | ('iskp' | '00iskp'))")
    assert to_tsquery(parse("journalist NOT sport")) == (
        "(('journalist' | '00journalist') & !('sport' | '00sport'))")
    assert to_tsquery(parse("returnees")) == "('returnees' | '00returne')"
    assert to_fts5(parse("returned")) == '("returned" OR "return" OR "00return")'
    assert to_tsquery(parse("2024")) == "('2024')"
    assert to_tsquery(parse('"forced marriage"')) == "('forced' <-> 'marriage')"
    assert to_tsquery(parse("persecut*")) == "'persecut':*"
    # Japanese: its bigrams, or its words (Sudachi normalised forms, after the in-place tokens).
    assert to_tsquery(parse("難民認定")) == (
        "(('難民' <-> '民認' <-> '認定') | ('02難民' <-> '02認定'))")
    assert to_fts5(parse("ごうもん")) == '("ごう うも もん" OR "02ごう 02もん" OR "01ゴウモン")'
    near = to_tsquery(parse('"police torture"~2'))
    assert "('police') <1> ('torture')" in near and "('torture') <3> ('police')" in near
    assert "<4>" not in near


def test_index_form_and_query_terms() -> None:
    # Japanese: bigrams in place, then each word's normalised form (02), then the readings
    # of the words written with kanji (01).
    assert cjk.index_form("難民認定") == "難民 民認 認定 02難民 02認定 01ナンミン 01ニンテイ"
    assert cjk.index_form("UNHCR と難民") == "unhcr と難 難民 02と 02難民 01ナンミン"
    assert cjk.index_form("Türkiye's well-founded fear (U.S.)", stems=False) == (
        "turkiye s well founded fear u s")
    # English text: the stems of inflected words follow the words, in their own positions.
    assert cjk.index_form("Returnees were detained") == (
        "returnees were detained 00returne 00detain")
    assert cjk.index_form("Returnees", stems=False) == "returnees"
    assert cjk.word_alternatives("returnee") == ["returnee", "00returne"]
    assert cjk.word_alternatives("2024") == ["2024"]
    assert cjk.index_form("ＵＮＨＣＲ　がんばる") == "unhcr がん んば ばる 02頑張る"
    assert cjk.query_terms("難民") == ["難民"]
    assert cjk.query_terms("Tokyo難民") == ["tokyo", "難民"]
    assert cjk.query_terms("well-founded") == ["well", "founded"]
    assert cjk.query_terms("難") == ["難"]
    assert cjk.query_terms("난민") == ["난민"]  # Korean stays as bigrams


def test_japanese_spellings_index_alike() -> None:
    def words(text: str) -> list[str]:
        return [t for t in cjk.index_form(text).split() if t.startswith(cjk.WORD_MARK)]

    assert words("取調べ") == words("取り調べ") == ["02取り調べ"]
    assert words("子ども") == words("子供") == words("こども") == ["02子供"]
    assert words("申立て") == words("申し立て")
    assert words("引渡し") == words("引き渡し")
    assert words("ウィグル") == words("ウイグル")


def test_a_kana_query_also_asks_for_the_reading_and_a_kanji_one_does_not() -> None:
    assert ["01ゴウモン"] in cjk.query_forms("ごうもん")
    assert ["01ゴウモン"] in cjk.query_forms("ゴウモン")
    assert cjk.query_forms("拷問") == [["拷問"], ["02拷問"]]
    # A word mixing Latin and Japanese keeps to the in-place tokens (the words and readings
    # come after them in the index, never next to the Latin word).
    assert cjk.query_forms("Tokyo難民") == [["tokyo", "難民"]]
    with cjk.using_ja_method(cjk.BIGRAMS):
        assert cjk.query_forms("ごうもん") == [["ごう", "うも", "もん"]]
        assert cjk.index_form("難民認定") == "難民 民認 認定"
    with cjk.using_ja_method(cjk.WORDS):
        assert cjk.index_form("難民認定") == "難民 認定 01ナンミン 01ニンテイ"
        assert cjk.query_forms("こども") == [["子供"], ["01コドモ"]]
    with pytest.raises(ValueError):
        cjk.using_ja_method("trigrams").__enter__()


@pytest.mark.parametrize(("query", "expected"), [
    ("ごうもん", {11}),  # kana finds the kanji spelling through its reading
    ("ゴウモン", {11}),
    ("拷問", {11}),
    ("取り調べ", {11}),  # 送り仮名 variants
    ("申し立て", {11}),
    ("こども", {12}),  # kana, and a kanji spelling, find 子ども
    ("子供", {12}),
    ("難民", {8, 9}),  # a two-character word inside a longer run still matches
    ("京都", {13}),  # a bigram inside 東京都 still matches (bigrams stay in place)
    ("こうそく", {13}),  # 高速 read コウソク: a kana query matches every word read so
])
def test_japanese_spellings_find_each_other(index: sqlite3.Connection, query: str,
                                            expected: set[int]) -> None:
    assert hits(index, query) == expected


# --- bounded queries ---------------------------------------------------------------------------


def _refused(query: str) -> QueryError:
    with pytest.raises(QueryError) as refused:
        parse(query)
    return refused.value


def test_thousands_of_parentheses_are_refused_plainly() -> None:
    error = _refused("(" * 5000 + "police" + ")" * 5000)
    assert error.key == "length" and "under 1,000" in str(error)


def test_nesting_below_the_length_limit_is_refused_before_python_recursion_gives_out() -> None:
    error = _refused("(" * 490 + "police" + ")" * 490)
    assert error.key == "depth" and "10 levels" in str(error)
    assert _refused("NOT " * 200 + "police").key == "depth"


def test_ten_levels_of_parentheses_are_allowed_and_eleven_are_not() -> None:
    assert parse("(" * 10 + "police" + ")" * 10) == Term("police")
    assert _refused("(" * 11 + "police" + ")" * 11).key == "depth"


def test_huge_proximity_is_refused_and_fifty_is_allowed() -> None:
    error = _refused('"police torture"~5000000')
    assert error.key == "proximity" and error.values == {"limit": 50}
    assert _refused('"police torture"~' + "9" * 5000).key in {"proximity", "length"}
    assert parse('"police torture"~50') == Phrase(("police", "torture"), 50)
    assert len(to_tsquery(parse('"police torture"~50'))) < 5000


def test_too_many_words_are_refused() -> None:
    assert parse(" ".join(["police"] * 50))
    error = _refused(" OR ".join(["police"] * 51))
    assert error.key == "terms" and error.values == {"count": 51, "limit": 50}
    assert _refused('"' + " ".join(["police"] * 51) + '"').key == "terms"
