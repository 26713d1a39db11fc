"""One translation helper for every user-facing string, with TOML message catalogues.

English is the source catalogue; another language adds ``locale/<code>.toml`` with the same
keys. A key missing from the chosen language falls back to English, then to the key itself.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).with_name("locale")
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=8)
def catalogue(language: str) -> dict[str, str]:
    path = LOCALE_DIR / f"{language}.toml"
    if not path.is_file():
        return {}
    return _flatten(tomllib.loads(path.read_text(encoding="utf-8")))


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{full}."))
        else:
            flat[full] = str(value)
    return flat


def current_language() -> str:
    return os.environ.get("WORKBENCH_LANGUAGE", DEFAULT_LANGUAGE)


def t(key: str, /, language: str | None = None, **values: object) -> str:
    """The message for ``key`` in the current language, formatted with ``values``."""
    language = language or current_language()
    text = catalogue(language).get(key) or catalogue(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**values) if values else text


def tn(key: str, count: int, /, language: str | None = None, **values: object) -> str:
    """Like ``t`` for a message that depends on a count: ``<key>.one`` for 1, else
    ``<key>.other`` (languages with other plural rules add their own forms here)."""
    form = "one" if count == 1 else "other"
    return t(f"{key}.{form}", language, count=count, **values)


def ordinal(number: int, language: str | None = None) -> str:
    """1st, 2nd, 3rd, 4th … in English; other catalogues give ``ordinal.pattern``."""
    pattern = catalogue(language or current_language()).get("ordinal.pattern")
    if pattern:
        return pattern.format(n=number)
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
