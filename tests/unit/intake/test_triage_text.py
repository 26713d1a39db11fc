"""The triage engine's English reasons and notes, the identity matcher's and the COI
suggester's, reach a Japanese reader in Japanese: each template of the catalogue reads back
what the engine writes."""

from __future__ import annotations

import re
import string

import pytest

from workbench.core.i18n import catalogue, use_language
from workbench.intake import triage_text

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
TABLES = ("triage.reason.", "triage.note.", "coi.suggest_reason.",
          "triage.identity_reason.")


def _sample(key: str) -> str:
    """The English of ``key`` filled in as the engine would (each phrase placeholder with one of
    the engine's own phrases)."""
    en = catalogue("en")
    values = {}
    for _, name, _, _ in string.Formatter().parse(en[key]):
        if name in triage_text.PHRASES:
            table = triage_text.PHRASES[name][0]
            values[name] = next(v for k, v in en.items() if k.startswith(f"{table}."))
        elif name:
            values[name] = "12"
    return en[key].format(**values)


TEMPLATES = [k for k in catalogue("en") if k.startswith(TABLES)]


@pytest.mark.parametrize("key", TEMPLATES)
def test_each_template_reads_back_in_japanese(key: str) -> None:
    english = _sample(key)
    with use_language("ja"):
        if key.startswith("triage.note."):
            shown = triage_text.note(english)
        elif key.startswith("coi."):
            shown = triage_text.coi_reason(english)
        elif key.startswith("triage.identity_reason."):
            shown = triage_text.identity_reason(english)
        else:
            shown = triage_text.reason(english)
    assert shown != english
    assert JAPANESE.search(shown), shown
    # Phrases the engine picks from its tables are translated too.
    for table, _ in triage_text.PHRASES.values():
        for k, phrase in catalogue("en").items():
            if k.startswith(f"{table}.") and phrase in english:
                assert phrase not in shown


def test_english_readers_see_the_engine_words_unchanged() -> None:
    text = ("Repeat application (no. 3) with no material new facts: 87% of it restates "
            "earlier claim no. 2.")
    with use_language("en"):
        assert triage_text.reason(text) == text


def test_the_engine_sentences_and_phrases() -> None:
    with use_language("ja"):
        assert triage_text.reason(
            "The claim rests on hardship or the wish to work, outside the Convention "
            "grounds.") == catalogue("ja")["triage.reason.b_rests"].format(
                b_reason=catalogue("ja")["triage.b_reason_text.hardship_work"])
        assert triage_text.note("new, material; repeats earlier claim no. 2") == (
            catalogue("ja")["triage.note.new_material"]
            + catalogue("ja")["triage.notes.separator"]
            + catalogue("ja")["triage.note.repeats"].format(number="2"))
        # What no template knows is shown as written.
        assert triage_text.reason("Something new the engine says.") == (
            "Something new the engine says.")


def test_the_engine_still_writes_what_the_templates_read() -> None:
    """The rules' fixed sentences are in the catalogue word for word."""
    from pathlib import Path

    rules = Path(__file__).resolve().parents[3] / "triage" / "rules.py"
    source = " ".join(rules.read_text(encoding="utf-8").split())
    en = catalogue("en")
    for key in ("too_short", "not_confident", "convention", "conflict", "b_conflict",
                "repeat_unread", "unread_language"):
        text = en[f"triage.reason.{key}"]
        # The sentence may be split over string literals in the source: compare words.
        words = text.split()
        assert all(w.strip('."') in source for w in words), key
