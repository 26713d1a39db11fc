"""The triage engine's reasons and notes (and the COI suggester's reasons) in the reader's
language.

The engine (``triage/``, which knows nothing of the workbench) writes its reasons, its
why-not-B notes and its evidence notes in English, and the suggestions keep them so. Each
sentence it can write is a template under ``triage.reason`` (and ``triage.note`` for the
evidence notes) in the catalogue, in English word for word as the engine writes it: a stored
reason is matched against the English templates, and the values read from it (numbers, case
numbers, quoted sentences, and phrases the engine picks from its own tables, which have their
own keys) are put into the same template in the reader's language. A reason no template
matches is shown as written.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

from workbench.core.i18n import catalogue, current_language, t

#: Placeholders that hold one of the engine's own phrases: the table of keys they come from
#: (the English of each key is the phrase as the engine writes it) and the phrase of a key.
PHRASES = {
    "about": ("triage.about", lambda code: t(f"triage.about.{code}")),
    "b_reason": ("triage.b_reason_text", lambda code: t(f"triage.b_reason_text.{code}")),
    "how": ("triage.how", lambda code: t(f"triage.how.{code}")),
}
#: The sentence of a template in the reader's language.
SENTENCES = {
    "triage.reason": lambda name, values: t(f"triage.reason.{name}", **values),
    "triage.note": lambda name, values: t(f"triage.note.{name}", **values),
    "coi.suggest_reason": lambda name, values: t(f"coi.suggest_reason.{name}", **values),
    "triage.identity_reason": lambda name, values: t(f"triage.identity_reason.{name}",
                                                     **values),
}


@lru_cache(maxsize=4)
def _templates(table: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for key, text in catalogue("en").items():
        if not key.startswith(f"{table}."):
            continue
        pattern = ""
        for literal, name, _, _ in string.Formatter().parse(text):
            pattern += re.escape(literal)
            if name is not None:
                pattern += f"(?P<{name}>.+?)"
        out.append((key.removeprefix(f"{table}."), re.compile(f"^{pattern}$", re.DOTALL)))
    return tuple(out)


def _phrase(name: str, value: str) -> str:
    if name not in PHRASES:
        return value
    table, phrase = PHRASES[name]
    for key, text in catalogue("en").items():
        if key.startswith(f"{table}.") and text == value:
            return phrase(key.removeprefix(f"{table}."))
    return value


def _translate(text: str, table: str) -> str:
    if not text or current_language() == "en":
        return text
    for name, pattern in _templates(table):
        found = pattern.match(text)
        if found:
            return SENTENCES[table](name, {k: _phrase(k, v)
                                           for k, v in found.groupdict().items()})
    return text


def reason(text: str) -> str:
    """A reason or abstain reason of a suggestion, in the reader's language."""
    return _translate(text, "triage.reason")


def note(text: str | None) -> str | None:
    """An evidence note ("…; …" when several), in the reader's language."""
    if not text or current_language() == "en":
        return text
    whole = _translate(text, "triage.note")
    if whole != text:
        return whole
    return t("triage.notes.separator").join(_translate(part, "triage.note")
                                           for part in text.split("; "))


def coi_reason(text: str) -> str:
    """Why the COI library suggests a passage for a case (``coi.suggest``, which writes
    English like the triage engine), in the reader's language."""
    return _translate(text, "coi.suggest_reason")


def identity_reason(text: str) -> str:
    """Why two person records may be one person (``triage.identity_score``), in the reader's
    language."""
    return _translate(text, "triage.identity_reason")


def b_reason(code: str) -> str:
    """What a B claim rests on (``triage.b_reason_text.<code>``)."""
    return t(f"triage.b_reason_text.{code}")


def cue_label(cue_type: str, label: str) -> str:
    """A cue type's label: the catalogue's (``triage.cue.<type>``), else the lexicon's."""
    key = f"triage.cue.{cue_type}"
    return t(key) if key in catalogue("en") else label
