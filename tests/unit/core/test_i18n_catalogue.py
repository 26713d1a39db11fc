"""The Japanese and English message catalogues stay complete, used and consistent.

Fails on: a key in one catalogue and not the other; a key no code uses; a message whose
``{placeholders}`` differ between the languages; a Japanese message left in English; a
Japanese message that does not use the glossary's official term where the English uses the
glossary's English term (``data/glossary/ja.toml``).
"""

from __future__ import annotations

import ast
import re
import string
import tomllib
from pathlib import Path

import pytest

from workbench.core.i18n import LANGUAGE_NAMES, LOCALE_DIR, catalogue

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [ROOT / "workbench", ROOT / "pages", ROOT / "models"]
GLOSSARY = ROOT / "data" / "glossary" / "ja.toml"
#: Keys read by code outside the usual call (a default read in ``workbench.core.i18n.ordinal``).
READ_ELSEWHERE = {"ordinal.pattern"}
#: Keys whose placeholders may differ: the English ordinal is built in code.
OWN_PLACEHOLDERS = {"ordinal.pattern", "interview.raised_by_cue"}
#: Japanese messages that rightly contain no Japanese (codes, names, technical terms).
NOT_WORDS = re.compile(r"^[A-Z0-9\-–. ]{1,8}$|^SHA-256$|^PDF$|^CSV$|^COI$")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _source_strings() -> tuple[set[str], set[str]]:
    """String constants of the code, and the literal beginnings of its f-strings."""
    constants: set[str] = set()
    prefixes: set[str] = set()
    for folder in SOURCES:
        for path in folder.rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    constants.add(node.value)
                elif (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "enum_label"
                      and node.args and isinstance(node.args[0], ast.Constant)):
                    # enum_label("role", value) reads the key f"role.{value}".
                    prefixes.add(f"{node.args[0].value}.")
                elif isinstance(node, ast.JoinedStr) and node.values:
                    first = node.values[0]
                    if isinstance(first, ast.Constant) and isinstance(first.value, str):
                        prefixes.add(first.value)
    return constants, {p for p in prefixes if "." in p and re.match(r"^[a-z_.]+$", p)}


def test_both_catalogues_exist_and_name_themselves():
    for code in LANGUAGE_NAMES:
        assert (LOCALE_DIR / f"{code}.toml").is_file(), code
        assert catalogue(code), code


def test_every_key_is_in_both_catalogues():
    en, ja = set(catalogue("en")), set(catalogue("ja"))
    assert sorted(en - ja) == [], "keys missing from ja.toml"
    assert sorted(ja - en) == [], "keys missing from en.toml"


def test_placeholders_match_between_languages():
    en, ja = catalogue("en"), catalogue("ja")
    wrong = {key: (sorted(_placeholders(en[key])), sorted(_placeholders(ja[key])))
             for key in (en.keys() & ja.keys()) - OWN_PLACEHOLDERS
             if _placeholders(en[key]) != _placeholders(ja[key])}
    assert wrong == {}


def test_every_key_is_used_by_the_code():
    constants, prefixes = _source_strings()

    def used(key: str) -> bool:
        base = re.sub(r"\.(one|other)$", "", key)
        return (key in constants or base in constants or key in READ_ELSEWHERE
                or any(key.startswith(p) for p in prefixes))

    unused = sorted(key for key in catalogue("en") if not used(key))
    assert unused == []


def test_japanese_messages_are_in_japanese():
    japanese = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
    def english_words(text: str) -> bool:
        bare = re.sub(r"\{[^}]*\}", "", text)
        return re.search(r"[A-Za-z]{3,}", bare) is not None

    left = {key: text for key, text in catalogue("ja").items()
            if english_words(text) and not japanese.search(text)
            and not NOT_WORDS.match(text.strip())}
    assert left == {}


def _glossary() -> list[dict]:
    return tomllib.loads(GLOSSARY.read_text(encoding="utf-8"))["term"]


def _uses(text: str, term: str) -> bool:
    pattern = rf"(?<![A-Za-z]){re.escape(term)}(?![A-Za-z])"
    return re.search(pattern, text, re.IGNORECASE) is not None


def glossary_misses(pairs: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Messages (key -> (English, Japanese)) whose Japanese lacks the official term."""
    misses: dict[str, str] = {}
    for entry in _glossary():
        if not entry.get("checked", True):
            continue
        english = [entry["en"], *entry.get("en_forms", [])]
        japanese = [entry["ja"], *entry.get("ja_forms", [])]
        for key, (en_text, ja_text) in pairs.items():
            if any(_uses(en_text, term) for term in english) and \
                    not any(term in ja_text for term in japanese):
                misses[key] = f"{entry['en']} -> {entry['ja']}: {ja_text}"
    return misses


def test_japanese_messages_use_the_glossary_terms():
    en, ja = catalogue("en"), catalogue("ja")
    pairs = {key: (en[key], ja[key]) for key in en.keys() & ja.keys()}
    assert glossary_misses(pairs) == {}


def test_the_glossary_check_can_fail():
    pairs = {"x": ("Assign an inquirer", "担当者を割り当てる")}
    assert "x" in glossary_misses(pairs)
    assert glossary_misses({"x": ("Assign an inquirer", "難民調査官を割り当てる")}) == {}


@pytest.mark.parametrize("code", list(LANGUAGE_NAMES))
def test_catalogues_are_valid_toml_without_duplicates(code):
    # tomllib refuses a key defined twice; an empty message would show nothing.
    tree = tomllib.loads((LOCALE_DIR / f"{code}.toml").read_text(encoding="utf-8"))
    assert tree
    empty = [k for k, v in catalogue(code).items() if not v.strip() and k != "ordinal.pattern"]
    assert empty == []
