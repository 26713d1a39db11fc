"""Claim narratives composed from the project-written blocks in ``narrative_blocks.toml``.

A narrative has a voice (the applicant in the first person, an officer's summary, or an
interpreter's rough English), a length (one line, one paragraph, several paragraphs) and one
or two themes; slots are filled with places, groups and dates plausible for the nationality
(``countries.toml``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from workbench.demo.parameters import load

VOICES = ("first", "officer", "interpreter")
LENGTHS = ("short", "medium", "long")
THEME_KINDS = ("convention", "conflict", "non_convention")


@dataclass(frozen=True)
class Blocks:
    voices: dict[str, dict[str, list[str]]]
    themes: dict[str, dict[str, Any]]
    kinds: dict[str, str]
    slots: dict[str, Any]
    reasons: dict[str, list[str]]
    countries: dict[str, dict[str, Any]]
    country_names: dict[str, str]

    def themes_of_kind(self, *kinds: str) -> list[str]:
        return [t for t in self.themes if self.kinds[t] in kinds]


@lru_cache(maxsize=1)
def blocks() -> Blocks:
    raw = load("narrative_blocks.toml")
    countries = load("countries.toml")
    themes = raw["themes"]
    return Blocks(
        voices=raw["voices"],
        themes=themes,
        kinds={name: spec["kind"] for name, spec in themes.items()},
        slots=raw["slots"],
        reasons=raw["reasons"],
        countries={k: v for k, v in countries.items() if k != "names"},
        country_names=countries["names"],
    )


def theme_ground(theme: str) -> str:
    return blocks().themes[theme]["ground"]


def theme_kind(theme: str) -> str:
    return blocks().kinds[theme]


def profile(nationality: str) -> dict[str, Any]:
    b = blocks()
    return b.countries.get(nationality, b.countries["default"])


def _choice(rng: random.Random, options: list):
    """``rng.choice`` with a single ``random()`` call (faster; equally deterministic)."""
    return options[int(rng.random() * len(options))]


class _Slots(dict):
    """Slot values chosen on first use, so that only the slots a text needs cost a draw."""

    def __init__(self, rng: random.Random, context: dict[str, Any]) -> None:
        super().__init__()
        self.rng = rng
        self.context = context

    def __missing__(self, key: str) -> str:
        value = self._draw(key)
        self[key] = value
        return value

    def _pick(self, field: str) -> str:
        prof = self.context["profile"]
        values = (prof.get(f"{field}_{self.context.get('bank')}") or prof.get(field)
                  or blocks().countries["default"][field])
        return _choice(self.rng, values)

    def _draw(self, key: str) -> str:
        rng, ctx = self.rng, self.context
        b = blocks()
        simple = {"home": "homes", "city": "cities", "party": "parties", "ruling": "ruling",
                  "police": "police", "group": "groups", "religion": "religions",
                  "majority": "majority", "armed": "armed", "suspected": "suspected",
                  "natgroup": "natgroups", "clan": "clans"}
        if key in simple:
            return self._pick(simple[key])
        if key == "relative":
            return _choice(rng, b.slots["relatives"])
        if key == "job":
            return _choice(rng, b.slots["jobs"])
        if key == "age_young":
            return rng.choice(b.slots["age_young"])
        if key == "visa":
            return rng.choice(b.slots["visa"][ctx["residence_status"]])
        if key == "year":
            return str(ctx["lodged_year"] - rng.randint(1, 4))
        if key == "year_left":
            return str(ctx["lodged_year"] - rng.choice((0, 0, 1, 1, 2, 3)))
        if key == "days":
            return str(rng.randint(2, 20))
        if key == "years":
            return str(rng.randint(2, 12))
        if key == "children":
            return rng.choice(("two", "two", "three", "one", "four"))
        if key == "money":
            low, high = ctx["profile"].get("amount") or b.countries["default"]["amount"]
            amount = rng.uniform(low, high)
            magnitude = 10 ** max(0, len(str(int(amount))) - 2)
            amount = int(round(amount / magnitude) * magnitude)
            currency = ctx["profile"].get("currency") or b.countries["default"]["currency"]
            return f"{amount:,} {currency}"
        if key in ("pron", "Pron", "pos", "Pos", "obj"):
            forms = {"F": ("she", "her", "her"), "M": ("he", "his", "him")}.get(
                ctx["sex"], ("the applicant", "the applicant's", "the applicant"))
            value = {"pron": forms[0], "pos": forms[1], "obj": forms[2],
                     "Pron": forms[0], "Pos": forms[1]}[key]
            return value[0].upper() + value[1:] if key[0].isupper() else value
        if key in ctx:
            return str(ctx[key])
        raise KeyError(key)


def _sentence(template: str, slots: _Slots) -> str:
    text = template.format_map(slots)
    return text[0].upper() + text[1:] if text else text


@dataclass(frozen=True)
class Narrative:
    text: str
    voice: str
    length: str
    themes: tuple[str, ...]
    repeat: str | None  # None, "same" (nothing new) or "new" (new elements)


def compose(
    rng: random.Random,
    *,
    voice: str,
    length: str,
    themes: tuple[str, ...],
    context: dict[str, Any],
    repeat: str | None = None,
) -> Narrative:
    """Write one narrative. ``context`` carries name, country, age, sex, residence_status,
    lodged_year, nth (for repeats) and the nationality profile."""
    b = blocks()
    frame = b.voices[voice]
    slots = _Slots(rng, context)

    def say(options: list[str]) -> str:
        return _sentence(_choice(rng, options), slots)

    def theme_steps(theme: str, steps: tuple[str, ...]) -> list[str]:
        spec = b.themes[theme][voice]
        return [say(spec[step]) for step in steps if spec.get(step)]

    repeat_line = say(frame["repeat_same" if repeat == "same" else "repeat_new"]) if repeat else ""
    if length == "short":
        parts = [repeat_line] if repeat_line else []
        if not (repeat == "same" and rng.random() < 0.3):
            parts.append(say(b.themes[themes[0]][voice]["short"]))
        text = " ".join(parts)
    elif length == "medium":
        parts = [say(frame["opening"])]
        if repeat_line:
            parts.append(repeat_line)
        parts += theme_steps(themes[0], ("cause", "incident"))
        parts.append(say(b.themes[themes[0]][voice]["protection"]) if rng.random() < 0.5
                     else say(frame["fear"]))
        for extra in themes[1:]:
            parts.append(say(frame["connector"]))
            parts += theme_steps(extra, ("cause", "incident"))
        text = " ".join(parts)
    else:
        paragraphs = [" ".join([say(frame["opening"]), say(frame["background"])])]
        if repeat_line:
            paragraphs.append(repeat_line)
        for i, theme in enumerate(themes):
            lines = [say(frame["connector"])] if i else []
            lines += theme_steps(theme, ("cause", "incident", "escalation", "protection"))
            paragraphs.append(" ".join(lines))
        paragraphs.append(" ".join([say(frame["travel"]), say(frame["fear"]),
                                    say(frame["closing"])]))
        text = "\n\n".join(paragraphs)
    return Narrative(text, voice, length, tuple(themes), repeat)


def reason(rng: random.Random, kind: str) -> str:
    return rng.choice(blocks().reasons[kind])


__all__ = ["LENGTHS", "THEME_KINDS", "VOICES", "Narrative", "blocks", "compose", "profile",
           "reason", "theme_ground", "theme_kind"]
