"""Counts are told with the plural forms (``tn`` and ``.one``/``.other`` keys), never as
"1 passages found" or "material fact(s)": an English message that puts a number before a
plural noun is a plural pair, in the catalogue and in the code that reads it."""

from __future__ import annotations

import re

from workbench.core.i18n import catalogue

NOUNS = ("passages|documents|files|cases|facts|questions|words|opinions|entries|citations|"
         "characters|sessions|incidents|answers|applications|appeals|panels|passwords")
#: A placeholder followed, after at most one word, by a plural noun ("{total} passages",
#: "{count} material facts"), or a noun with "(s)".
COUNTED = re.compile(rf"\{{\w+\}}(?:\*\*)? (?:[a-z-]+ )?(?:{NOUNS})\b")
MAYBE_PLURAL = re.compile(r"\{\w+\}[^{}.;]*\w\(s\)")
#: Limits of the product, never 1: the query language's (50 words, proximity 50), the
#: password policy's length (10) and the evidence files one request may hold (a setting,
#: 100 by default).
LIMITS = {"coi.query_error.terms", "coi.query_error.proximity", "password.too_short",
          "errors.reviews.request_may_hold_most"}


def test_numbers_before_plural_nouns_use_plural_forms() -> None:
    wrong = {key: text for key, text in catalogue("en").items()
             if not key.endswith((".one", ".other")) and key not in LIMITS
             and (COUNTED.search(text) or MAYBE_PLURAL.search(text))}
    assert wrong == {}


def test_the_counts_are_read_with_their_plural_forms() -> None:
    from workbench.core.i18n import tn

    assert tn("coi.hits_count", 1, total="1", page=1, pages=1).startswith("1 passage found")
    assert tn("coi.hits_count", 14, total="14", page=1, pages=1).startswith("14 passages")
    assert tn("errors.assessments.material_fact_s_no", 1) == \
        "1 material fact has no finding yet."
    assert tn("errors.coi.ingest.added", 1, id=3, passages=1) == "added as document 3: 1 passage"


def test_the_singular_forms_are_singular() -> None:
    en = catalogue("en")
    for key, text in en.items():
        if key.endswith(".one"):
            assert not MAYBE_PLURAL.search(text), key
            assert not re.search(rf"\{{count\}}(?:\*\*)? (?:[a-z-]+ )?(?:{NOUNS})\b", text), \
                (key, text)
