"""Names, dates of birth and the spelling variants that transliteration produces.

Banks of family and given names per nationality live in ``data/demo/names.toml``. A repeat
applicant's name is often written differently on each application (Mohammed/Muhammad,
ou/u, kh/h, y/i, doubled or dropped vowels, given and family names swapped, diacritics
dropped) and the date of birth is sometimes entered with day and month swapped; the
functions here produce such variants from a ``random.Random``.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from workbench.demo.parameters import load

_SPECIAL_ASCII = str.maketrans({"ı": "i", "İ": "I", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O",
                                "ł": "l", "Ł": "L", "ß": "ss"})


def strip_diacritics(text: str) -> str:
    """``Şahin`` → ``Sahin``, ``Nguyễn`` → ``Nguyen``, ``Yıldız`` → ``Yildiz``."""
    text = text.translate(_SPECIAL_ASCII)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Bank:
    key: str
    order: str  # given_first | family_first | single
    languages: tuple[str, ...]
    family: tuple[tuple[str, str | None], ...]
    male: tuple[tuple[str, str | None], ...]
    female: tuple[tuple[str, str | None], ...]


def _entries(values: list[str]) -> tuple[tuple[str, str | None], ...]:
    out = []
    for value in values:
        latin, _, original = value.partition("|")
        out.append((latin, original or None))
    return tuple(out)


@dataclass(frozen=True)
class NameTables:
    banks: dict[str, Bank]
    nationality_banks: dict[str, tuple[tuple[str, float], ...]]
    group_of: dict[str, tuple[str, ...]]
    rules: tuple[tuple[str, str, float], ...]


@lru_cache(maxsize=1)
def tables() -> NameTables:
    raw: dict[str, Any] = load("names.toml")
    banks = {
        key: Bank(key, spec["order"], tuple(spec["languages"]), _entries(spec.get("family", [])),
                  _entries(spec["male"]), _entries(spec["female"]))
        for key, spec in raw["banks"].items()
    }
    nationality_banks = {
        nat: tuple((bank, float(weight)) for bank, weight in spec)
        for nat, spec in raw["nationality_banks"].items()
        if nat != "variant_groups" and nat != "rules"
    }
    group_of: dict[str, tuple[str, ...]] = {}
    for group in raw["nationality_banks"].get("variant_groups", []) + raw.get(
            "variant_groups", []):
        members = tuple(dict.fromkeys(group))
        for member in members:
            group_of.setdefault(member, members)
    rules = tuple((rule[0], rule[1], float(rule[2]) if len(rule) > 2 else 1.0)
                  for rule in raw["nationality_banks"].get("rules", raw.get("rules", [])))
    return NameTables(banks, nationality_banks, group_of, rules)


@dataclass
class Name:
    """A person's name as registered: Latin parts, original script and the usual order."""

    family: str
    given: str
    original: str | None
    order: str
    bank: str

    def entered(self, swapped: bool = False) -> str:
        return format_name(self.family, self.given, self.order, swapped)


def format_name(family: str, given: str, order: str, swapped: bool = False) -> str:
    """The name as written on a form: given-first or family-first, optionally reversed."""
    if order == "single" or not given:
        return family
    family_first = order == "family_first"
    if swapped:
        family_first = not family_first
    return f"{family} {given}" if family_first else f"{given} {family}"


def pick_bank(rng: random.Random, nationality: str) -> Bank:
    t = tables()
    choices = t.nationality_banks.get(nationality) or t.nationality_banks["default"]
    if len(choices) == 1:
        return t.banks[choices[0][0]]
    keys = [k for k, _ in choices]
    return t.banks[rng.choices(keys, weights=[w for _, w in choices])[0]]


def make_name(rng: random.Random, nationality: str, sex: str) -> Name:
    bank = pick_bank(rng, nationality)
    pool = bank.female if sex == "F" else bank.male
    if sex not in ("F", "M"):
        pool = bank.male + bank.female
    if bank.order == "single":
        syllables = [rng.choice(pool) for _ in range(rng.choice((2, 2, 3)))]
        latin = " ".join(s for s, _ in syllables)
        original = "".join(o or "" for _, o in syllables) or None
        return Name(latin, "", original, "single", bank.key)
    family, family_orig = rng.choice(bank.family)
    given, given_orig = rng.choice(pool)
    if rng.random() < 0.12 and bank.order != "family_first":
        extra, _ = rng.choice(pool)
        if extra != given and " " not in given:
            given = f"{given} {extra}"
            given_orig = None
    original = None
    if family_orig and given_orig:
        if bank.key == "chinese":
            original = family_orig + given_orig
        else:
            original = (f"{family_orig} {given_orig}" if bank.order == "family_first"
                        else f"{given_orig} {family_orig}")
    return Name(family, given, original, bank.order, bank.key)


# --- spelling variants -------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return text.split(" ") if text else []


def _sub_group(rng: random.Random, part: str, t: NameTables) -> str | None:
    tokens = _tokens(part)
    hits = [i for i, tok in enumerate(tokens) if tok in t.group_of]
    if not hits:
        return None
    i = rng.choice(hits)
    others = [m for m in t.group_of[tokens[i]] if m != tokens[i]]
    if not others:
        return None
    tokens[i] = rng.choice(others)
    return " ".join(tokens)


def _has_triple(text: str) -> bool:
    low = text.lower()
    return any(low[i] == low[i + 1] == low[i + 2] for i in range(len(low) - 2))


def _apply_rule(rng: random.Random, part: str, t: NameTables) -> str | None:
    """One letter-level change: a rule is chosen first (so that frequent letters do not
    crowd out the others), then one place where it applies."""
    tokens = _tokens(part)
    by_rule: dict[tuple[str, str, float], list[tuple[int, int]]] = {}
    for pattern, replacement, weight in t.rules:
        start = 1 if pattern.islower() else 0
        for ti, tok in enumerate(tokens):
            position = tok.find(pattern, start)
            while position != -1:
                changed = tok[:position] + replacement + tok[position + len(pattern):]
                if len(changed) >= 2 and not _has_triple(changed):
                    by_rule.setdefault((pattern, replacement, weight), []).append(
                        (ti, position))
                position = tok.find(pattern, position + 1)
    if not by_rule:
        return None
    rules = list(by_rule)
    rule = rng.choices(rules, weights=[r[2] for r in rules])[0]
    pattern, replacement, _ = rule
    ti, position = rng.choice(by_rule[rule])
    tok = tokens[ti]
    tokens[ti] = tok[:position] + replacement + tok[position + len(pattern):]
    return " ".join(tokens)


def _merge_tokens(rng: random.Random, part: str) -> str | None:
    tokens = _tokens(part)
    if len(tokens) < 2:
        return None
    i = rng.randrange(len(tokens) - 1)
    merged = tokens[i] + tokens[i + 1].lower()
    return " ".join(tokens[:i] + [merged] + tokens[i + 2:])


@dataclass(frozen=True)
class Variant:
    family: str
    given: str
    swapped: bool

    def entered(self, order: str) -> str:
        return format_name(self.family, self.given, order, self.swapped)


def spelling_variant(rng: random.Random, name: Name) -> Variant:
    """A different spelling of ``name`` such as a transliteration on another form gives.

    Always differs from the registered spelling (as entered)."""
    t = tables()
    family, given, swapped = name.family, name.given, False
    operations = ["group", "rule", "rule"]
    if not (family + given).isascii():
        operations += ["strip", "strip", "strip"]
    if name.order != "single" and given:
        operations.append("swap")
    if len(_tokens(family)) > 1 or len(_tokens(given)) > 1:
        operations.append("merge")
    wanted = 1 if rng.random() < 0.7 else 2
    applied = 0
    for _ in range(8):
        if applied >= wanted:
            break
        operation = rng.choice(operations)
        if operation == "swap":
            if swapped:
                continue
            swapped = True
            applied += 1
            continue
        if operation == "strip":
            new_family, new_given = strip_diacritics(family), strip_diacritics(given)
            if (new_family, new_given) != (family, given):
                family, given = new_family, new_given
                applied += 1
            continue
        use_given = bool(given) and rng.random() < 0.5
        part = given if use_given else family
        if operation == "group":
            changed = _sub_group(rng, part, t)
        elif operation == "merge":
            changed = _merge_tokens(rng, part)
        else:
            changed = _apply_rule(rng, part, t)
        if changed and changed != part:
            if use_given:
                given = changed
            else:
                family = changed
            applied += 1
    variant = Variant(family, given, swapped)
    if variant.entered(name.order) == name.entered():
        if name.order != "single" and given:
            variant = Variant(family, given, not swapped)
        else:
            variant = Variant(family + ("h" if not family.endswith("h") else "e"), given, False)
    return variant


# --- dates of birth ------------------------------------------------------------------------


def birth_date(rng: random.Random, on: date, minor_share: float, older_share: float) -> date:
    """A date of birth for someone applying on ``on``: adults mostly 20–45, some minors."""
    draw = rng.random()
    if draw < minor_share:
        age = rng.randint(1, 17)
    elif draw < minor_share + older_share:
        age = rng.randint(46, 65)
    else:
        age = int(rng.triangular(18, 46, 28))
    year = on.year - age
    day_of_year = rng.randint(1, 365)
    born = date.fromordinal(date(year, 1, 1).toordinal() + day_of_year - 1)
    if born >= on:
        born = date(year - 1, born.month, min(born.day, 28))
    return born


def swap_day_month(value: date) -> date | None:
    """``value`` with day and month swapped, or None when that is not a different date."""
    if value.day > 12 or value.day == value.month:
        return None
    return date(value.year, value.day, value.month)


__all__ = [
    "Name",
    "Variant",
    "birth_date",
    "format_name",
    "make_name",
    "spelling_variant",
    "strip_diacritics",
    "swap_day_month",
    "tables",
]
