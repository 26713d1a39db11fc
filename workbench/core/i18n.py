"""One translation helper for every user-facing string, with TOML message catalogues.

English and Japanese are the catalogues (``locale/en.toml``, ``locale/ja.toml``); both have
every key (a test checks). Another language adds ``locale/<code>.toml`` and its name in
``LANGUAGE_NAMES``. A key missing from the chosen language falls back to English, then to the
key itself.

Which language a message is in: an explicit ``language`` argument (documents, which follow the
case rather than the reader); else the innermost ``use_language`` block; else the language the
interface registered for this user (``register_language_source``: the user's own choice, the
office setting, then the browser's language); else the office setting; else English.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DEFAULT_LANGUAGE = "en"
#: The languages the workbench speaks, each named in its own language (for the switch).
LANGUAGE_NAMES: dict[str, str] = {"ja": "日本語", "en": "English"}
SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(LANGUAGE_NAMES)

_explicit: ContextVar[str | None] = ContextVar("workbench_language", default=None)
_source: Callable[[], str | None] | None = None


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


def supported(language: str | None) -> str | None:
    """``language`` when the workbench speaks it, else None."""
    return language if language in LANGUAGE_NAMES else None


def from_locale(locale: str | None) -> str | None:
    """The supported language of a browser locale (``ja-JP`` -> ``ja``); None if unsupported."""
    if not locale:
        return None
    return supported(locale.replace("_", "-").split("-")[0].strip().lower())


def office_language() -> str | None:
    """The office's language setting (``WORKBENCH_LANGUAGE``); None when not set."""
    from workbench.core.settings import get_settings

    return supported(get_settings().language or None)


def choose_language(*candidates: str | None) -> str:
    """The first supported language among ``candidates`` (most specific first), else the
    office setting, else English."""
    for candidate in candidates:
        if found := supported(candidate):
            return found
    return office_language() or DEFAULT_LANGUAGE


def register_language_source(source: Callable[[], str | None] | None) -> None:
    """Let the interface say which language the current user reads (None: no user here)."""
    global _source
    _source = source


@contextmanager
def use_language(language: str) -> Iterator[None]:
    """Messages inside the block are in ``language``."""
    token = _explicit.set(supported(language) or DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _explicit.reset(token)


def current_language() -> str:
    if found := _explicit.get():
        return found
    if _source is not None and (found := supported(_source())):
        return found
    return office_language() or DEFAULT_LANGUAGE


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
