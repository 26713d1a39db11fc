"""Parameters and text banks of the demo caseload, read from ``data/demo/*.toml``.

The TOML files say where every figure comes from (DOMAIN.md section or "estimate"). This
module only reads them and offers the few look-ups the generator needs: a value for a year
(falling back to ``later``), and the number of applications per stream and year once the
caseload has been scaled to the requested size.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

#: Where the parameter and text files live (``data/demo`` at the repository root).
DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "demo"


@lru_cache(maxsize=8)
def _load(name: str, directory: str) -> dict[str, Any]:
    with open(Path(directory) / name, "rb") as handle:
        return tomllib.load(handle)


def load(name: str, directory: Path | None = None) -> dict[str, Any]:
    """The parsed TOML file ``name`` (e.g. ``"parameters.toml"``); cached, do not mutate."""
    return _load(name, str(directory or DATA_DIR))


def parameters() -> dict[str, Any]:
    return load("parameters.toml")


def by_year(table: dict[str, Any], year: int) -> Any:
    """``table[year]``, else the value of the nearest earlier listed year, else ``later``."""
    key = str(year)
    if key in table:
        return table[key]
    years = sorted(int(k) for k in table if k.isdigit())
    if years and year > years[-1] and "later" in table:
        return table["later"]
    earlier = [y for y in years if y <= year]
    if earlier:
        return table[str(earlier[-1])]
    if years:
        return table[str(years[0])]
    return table["later"]


def apportion(total: int, weights: list[tuple[Any, float]]) -> list[tuple[Any, int]]:
    """Split ``total`` into whole numbers proportional to ``weights`` (largest remainder).

    Deterministic: ties go to the earlier key in the list.
    """
    weight_sum = sum(w for _, w in weights)
    if total <= 0 or weight_sum <= 0:
        return [(key, 0) for key, _ in weights]
    exact = [(key, total * w / weight_sum) for key, w in weights]
    counts = [int(x) for _, x in exact]
    left = total - sum(counts)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i][1] - counts[i]), i))
    for i in order[:left]:
        counts[i] += 1
    return [(exact[i][0], counts[i]) for i in range(len(exact))]


@dataclass(frozen=True)
class StreamYear:
    """Applications of one type lodged in one calendar year of the window."""

    application_type: str  # "REFUGEE" or "COMPLEMENTARY"
    year: int
    start: date  # first possible lodging day (inclusive)
    end: date  # last possible lodging day (exclusive)
    published: float  # the yearly volume (prorated to the part of the year covered)
    count: int  # after scaling to the requested number of cases


def _covered_fraction(year: int, start: date, as_of: date) -> tuple[date, date, float]:
    """The part of ``year`` from ``start`` up to (not including) ``as_of``, and its share of
    the period the volume refers to (the year, or for a stream starting mid-year, the rest of
    it)."""
    year_start = max(date(year, 1, 1), start)
    year_end = min(date(year + 1, 1, 1), as_of)
    if year_end <= year_start:
        return year_start, year_start, 0.0
    full = (date(year + 1, 1, 1) - year_start).days
    return year_start, year_end, (year_end - year_start).days / full


def allocate(cases: int, as_of: date, params: dict[str, Any] | None = None) -> list[StreamYear]:
    """How many applications of each type to lodge in each year, scaled so that they add up
    to ``cases`` while keeping the published proportions between years and types."""
    params = params or parameters()
    first_year = int(params["window"]["first_year"])
    if as_of <= date(first_year, 2, 1):
        raise ValueError(f"as_of must be after {first_year}-02-01 (the demo caseload starts in "
                         f"{first_year}); got {as_of.isoformat()}.")
    rows: list[tuple[str, int, date, date, float]] = []
    refugee = params["volumes"]["refugee"]
    cp = params["volumes"]["complementary"]
    cp_start: date = cp["start"]
    for year in range(first_year, as_of.year + 1):
        start, end, fraction = _covered_fraction(year, date(first_year, 1, 1), as_of)
        if fraction > 0:
            rows.append(("REFUGEE", year, start, end, by_year(refugee, year) * fraction))
        if year >= cp_start.year:
            start, end, fraction = _covered_fraction(year, cp_start, as_of)
            if fraction > 0:
                rows.append(("COMPLEMENTARY", year, start, end, by_year(cp, year) * fraction))
    counts = apportion(cases, [((i,), row[4]) for i, row in enumerate(rows)])
    return [StreamYear(row[0], row[1], row[2], row[3], row[4], n)
            for row, (_, n) in zip(rows, counts, strict=True)]


__all__ = ["DATA_DIR", "StreamYear", "allocate", "apportion", "by_year", "load", "parameters"]
