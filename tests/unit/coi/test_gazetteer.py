"""Country gazetteer: names, historic names, demonyms, Japanese names, ambiguity rules."""

from __future__ import annotations

from collections import Counter

import pycountry
import pytest

from coi.gazetteer import by_code, countries, country_mentions, find_countries, lookup

# nationalities in the published Japanese figures (DOMAIN.md section 6)
PUBLISHED_NATIONALITIES = [
    "PHL", "VNM", "LKA", "IDN", "NPL", "TUR", "KHM", "PAK", "MMR", "IND", "BGD", "AFG", "CHN",
    "ERI", "CMR", "ETH", "YEM", "PSE", "THA", "UKR", "SYR", "SDN",
]


def test_every_iso_country_plus_kosovo() -> None:
    codes = [c.code for c in countries()]
    assert len(codes) == len(pycountry.countries) + 1
    assert codes == sorted(codes)
    assert by_code("XKX").name == "Kosovo"
    assert by_code("afg").name == "Afghanistan"


def test_display_names_are_the_ones_people_use() -> None:
    assert by_code("COD").name == "Democratic Republic of the Congo"
    assert by_code("IRN").name == "Iran"
    assert by_code("TUR").name == "Türkiye"
    assert "Turkey" in by_code("TUR").names
    assert "Burma" in by_code("MMR").names


def test_by_code_unknown_raises_helpful_key_error() -> None:
    with pytest.raises(KeyError, match="alpha-3"):
        by_code("XYZ")
    with pytest.raises(KeyError, match="alpha-2"):
        by_code("TR")
    with pytest.raises(KeyError, match="AFG"):
        by_code("Afghanistan")


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("turkiye", "TUR"), ("Türkiye", "TUR"), ("TURKEY", "TUR"), ("TUR", "TUR"), ("tr", "TUR"),
        ("792", "TUR"), ("Turkey (Türkiye)", "TUR"), ("Burma", "MMR"), ("Myanmar", "MMR"),
        ("Ivory Coast", "CIV"), ("Cote d’Ivoire", "CIV"), ("côte d'ivoire", "CIV"),
        ("DRC", "COD"), ("Congo-Kinshasa", "COD"), ("Democratic Republic of the Congo", "COD"),
        ("Zaire", "COD"), ("Republic of the Congo", "COG"), ("Congo-Brazzaville", "COG"),
        ("Czechia", "CZE"), ("Czech Republic", "CZE"), ("Swaziland", "SWZ"),
        ("Eswatini", "SWZ"), ("North Macedonia", "MKD"), ("Viet Nam", "VNM"),
        ("Vietnam", "VNM"), ("Islamic Republic of Iran", "IRN"), ("Iran", "IRN"),
        ("Syrian Arab Republic", "SYR"), ("Syria", "SYR"), ("Russia", "RUS"),
        ("Russian Federation", "RUS"), ("Republic of Korea", "KOR"), ("South Korea", "KOR"),
        ("DPRK", "PRK"), ("North Korea", "PRK"), ("Laos", "LAO"), ("State of Palestine", "PSE"),
        ("Palestine", "PSE"), ("Kosovo", "XKX"), ("XK", "XKX"), ("Taiwan", "TWN"),
        ("Bolivia", "BOL"), ("Venezuela", "VEN"), ("Tanzania", "TZA"), ("Moldova", "MDA"),
        ("the Gambia", "GMB"), ("Kyrgyz Republic", "KGZ"), ("Cabo Verde", "CPV"),
        ("Cape Verde", "CPV"), ("Afghan", "AFG"), ("Sri Lankan", "LKA"), ("Nepalese", "NPL"),
        ("Nepali", "NPL"), ("Burmese", "MMR"), ("ミャンマー", "MMR"), ("コンゴ民主共和国", "COD"),
        ("トルコ", "TUR"), ("中国", "CHN"), ("China (Includes Hong Kong, Macau, and Tibet)", "CHN"),
        ("Israel, West Bank and Gaza", "ISR"),
    ],
)
def test_lookup_variants(query: str, code: str) -> None:
    found = lookup(query)
    assert found is not None, query
    assert found.code == code


def test_lookup_of_an_ambiguous_word_gives_its_default() -> None:
    assert lookup("Congo").code == "COD"  # type: ignore[union-attr]
    assert lookup("Korea").code == "KOR"  # type: ignore[union-attr]


@pytest.mark.parametrize("word", ["Kurdish", "Rohingya", "Persian", "Tamil", "Hazara", "", "  ",
                                  "Atlantis"])
def test_ethnic_groups_languages_and_nonsense_are_not_countries(word: str) -> None:
    assert lookup(word) is None


def test_demonyms_and_japanese_names_for_the_countries_of_origin() -> None:
    for code in PUBLISHED_NATIONALITIES:
        country = by_code(code)
        assert country.demonyms, code
        assert country.ja_names, code
    curated = [c for c in countries() if c.demonyms and c.ja_names]
    assert len(curated) >= 60
    afg = by_code("AFG")
    assert {"Afghan", "Afghans"} <= set(afg.demonyms)
    assert "アフガニスタン" in afg.ja_names
    assert "Persian" not in by_code("IRN").demonyms
    assert "スリランカ" in by_code("LKA").ja_names


def test_japanese_names_fall_back_to_the_iso_translation() -> None:
    assert by_code("NOR").ja_names == ("ノルウェー",)


# --- find_countries ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the Democratic Republic of the Congo", {"COD": 1}),
        ("Papua New Guinea", {"PNG": 1}),
        ("Guinea-Bissau and Equatorial Guinea", {"GNB": 1, "GNQ": 1}),
        ("Guinea", {"GIN": 1}),
        ("Niger and Nigeria", {"NER": 1, "NGA": 1}),
        ("oil spills in the Niger Delta", {}),
        ("Dominica and the Dominican Republic", {"DMA": 1, "DOM": 1}),
        ("South Sudan and Sudan", {"SSD": 1, "SDN": 1}),
        ("South Sudanese refugees", {"SSD": 1}),
        ("Sri Lankan Tamils fled to India", {"LKA": 1, "IND": 1}),
        ("Kurdish, Rohingya and Persian speakers", {}),
        ("nail polish, china plates, roast turkey; tell us", {}),
        ("Turkey and China", {"TUR": 1, "CHN": 1}),
        ("TURKEY", {"TUR": 1}),
        ("Turkey (Türkiye) and Turkiye", {"TUR": 3}),
        ("Côte d'Ivoire, Cote d’Ivoire and Ivory Coast", {"CIV": 3}),
        ("a U.S. Department of State report on Nepal", {"NPL": 1}),
        ("the U.S. and the UK", {"USA": 1, "GBR": 1}),
        ("Afghans in Iran; an Afghan woman", {"AFG": 2, "IRN": 1}),
        ("Cameroonian and Ugandan nationals", {"CMR": 1, "UGA": 1}),
        ("Burmese military; Nepali and Nepalese workers", {"MMR": 1, "NPL": 2}),
        ("in the Indian Ocean", {}),
        ("Atlanta, Georgia", {}),
        ("Tbilisi, Georgia", {"GEO": 1}),
        ("Burma (Myanmar)", {"MMR": 2}),
        ("", {}),
    ],
)
def test_find_countries(text: str, expected: dict[str, int]) -> None:
    assert dict(find_countries(text)) == expected


def test_congolese_goes_to_the_congo_the_text_names() -> None:
    assert find_countries("Congolese soldiers crossed the border") == Counter({"COD": 1})
    brazzaville = "The Republic of the Congo held elections. Congolese voters went to the polls."
    assert find_countries(brazzaville) == Counter({"COG": 2})
    kinshasa = "Congolese refugees from the DRC; Congo's east"
    assert find_countries(kinshasa) == Counter({"COD": 3})


def test_korean_goes_to_the_korea_the_text_names() -> None:
    assert find_countries("North Korea: Korean defectors") == Counter({"PRK": 2})
    assert find_countries("Korean workers") == Counter({"KOR": 1})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("コンゴ民主共和国", {"COD": 1}),
        ("コンゴ共和国とコンゴ", {"COG": 2}),
        ("ミャンマー、スリランカ、トルコ、イラン、ネパール", {"MMR": 1, "LKA": 1, "TUR": 1,
                                                   "IRN": 1, "NPL": 1}),
        ("カメルーン、ウガンダ、シリア、中国、アフガニスタン人", {"CMR": 1, "UGA": 1, "SYR": 1,
                                                   "CHN": 1, "AFG": 1}),
        ("タイトルとタイプ", {}),  # タイ (Thailand) inside longer katakana words
        ("タイ人の申請者", {"THA": 1}),
        ("ソマリア", {"SOM": 1}),  # not マリ (Mali)
        ("インドネシアとインド洋", {"IDN": 1}),
        ("南スーダン", {"SSD": 1}),
        ("北朝鮮と韓国", {"PRK": 1, "KOR": 1}),
        ("パプアニューギニア", {"PNG": 1}),
    ],
)
def test_find_countries_in_japanese(text: str, expected: dict[str, int]) -> None:
    assert dict(find_countries(text)) == expected


def test_mixed_scripts_and_mention_order() -> None:
    text = "Sri Lanka (スリランカ) and Nepal"
    assert find_countries(text) == Counter({"LKA": 2, "NPL": 1})
    assert [code for _, code in country_mentions(text)] == ["LKA", "LKA", "NPL"]
    assert country_mentions("") == []


def test_long_text_is_processed_in_chunks() -> None:
    paragraph = "Refugees from Afghanistan arrived in Pakistan and Iran. " * 20
    text = "\n".join([paragraph] * 400)  # ~450,000 characters, beyond one make_doc call
    counts = find_countries(text)
    assert counts == Counter({"AFG": 8000, "PAK": 8000, "IRN": 8000})
