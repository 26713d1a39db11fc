"""The password policy: what a new password must not be, with plain messages.

A password is refused when it is shorter than ``MIN_PASSWORD_LENGTH``; when it contains the
account's user name or a part of the person's name; when it is one of the 30,000 most common
passwords of the leaked-password corpora that the zxcvbn package ships (MIT licence, used
offline: ``zxcvbn.frequency_lists``); when it is one repeated character or chunk, a run such as
``1234567890`` or ``abcdefghij`` or a row of keys such as ``qwertyuiop``; or when zxcvbn's
estimate still finds it easy to guess (score below 3 of 4, about 10^8 guesses).
"""

from __future__ import annotations

import re
from functools import lru_cache

from models.user import MIN_PASSWORD_LENGTH
from workbench.core.errors import ValidationError
from workbench.core.i18n import t

#: zxcvbn's score a password needs (0-4; 3 is "safely unguessable" against a slow hash).
MIN_SCORE = 3
#: zxcvbn's run time grows with length; beyond this many characters a password is long
#: enough and the rest is not scored.
_SCORED_LENGTH = 64
_PATTERNS = {"repeat", "sequence", "spatial"}


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The common and leaked passwords that are refused (lower case)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def _name_parts(username: str, display_name: str) -> list[str]:
    """The user name (from 3 characters) and the parts of it and of the person's name from 4
    characters (shorter parts such as "new" or "ito" are ordinary words inside passphrases)."""
    username = (username or "").strip().casefold()
    parts = {p.casefold() for p in re.split(r"[\s.,_\-'()]+", display_name or "")}
    parts.update(re.split(r"[.\-_]+", username))
    found = {p for p in parts if len(p) >= 4}
    if len(username) >= 3:
        found.add(username)
    return sorted(found)


def problem(password: str, *, username: str = "", display_name: str = "") -> str | None:
    """Why ``password`` is refused for this account, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return t("password.too_short", n=MIN_PASSWORD_LENGTH)
    folded = password.casefold()
    if any(part in folded for part in _name_parts(username, display_name)):
        return t("password.contains_name")
    if folded in common_passwords():
        return t("password.common")
    from zxcvbn import zxcvbn

    names = _name_parts(username, display_name)
    result = zxcvbn(password[:_SCORED_LENGTH], user_inputs=names)
    matches = result["sequence"]
    if len(set(folded)) <= 2 or (
        len(matches) == 1 and matches[0]["pattern"] in _PATTERNS
    ) or all(m["pattern"] in _PATTERNS for m in matches):
        return t("password.pattern")
    if result["score"] < MIN_SCORE:
        return t("password.weak")
    return None


def check(password: str, *, username: str = "", display_name: str = "") -> None:
    """Raise ``ValidationError`` with a plain message when ``password`` breaks the policy.

    The password itself never appears in the message.
    """
    reason = problem(password, username=username, display_name=display_name)
    if reason is not None:
        raise ValidationError(t("password.refused", reason=reason))
