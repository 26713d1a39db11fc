"""The demo generator's clock: the open office days between two dates (``_Calendar``) and a
case's timeline of status events with increasing office-hour timestamps (``_Timeline``),
stopped at the cut-off day.
"""

from __future__ import annotations

import bisect
import random
from datetime import date

from models.enums import CaseState
from workbench.core import clock
from workbench.core.settings import Settings
from workbench.core.workflow import BY_NAME
from workbench.demo.records import OFFICE_SECONDS, _Case


class _Calendar:
    """Open office days (not weekends or public holidays) between two dates."""

    def __init__(self, start: date, end: date, settings: Settings) -> None:
        self.base = start.toordinal()
        self.end = end.toordinal()
        size = max(0, self.end - self.base)
        closed = [clock.is_closed_day(date.fromordinal(self.base + i), settings)
                  for i in range(size)]
        following = [size] * (size + 1)
        for i in range(size - 1, -1, -1):
            following[i] = i if not closed[i] else following[i + 1]
        self._following = following
        self.open_days = [self.base + i for i in range(size) if not closed[i]]
        self._deadlines: dict[int, int] = {}
        self._sorting: dict[int, int] = {}
        self.settings = settings

    def snap(self, day: int) -> int:
        """The first open day on or after ``day`` (days from ``end`` on are returned as is)."""
        if day >= self.end:
            return day
        if day < self.base:
            day = self.base
        return self.base + self._following[day - self.base]

    def open_between(self, start: int, end: int) -> list[int]:
        """Open days in [start, end)."""
        lo = bisect.bisect_left(self.open_days, start)
        hi = bisect.bisect_left(self.open_days, end)
        return self.open_days[lo:hi]

    def review_deadline(self, notice: int) -> int:
        value = self._deadlines.get(notice)
        if value is None:
            value = clock.review_deadline(date.fromordinal(notice), self.settings).toordinal()
            self._deadlines[notice] = value
        return value

    def sorting_deadline(self, lodged: int) -> int:
        value = self._sorting.get(lodged)
        if value is None:
            value = clock.sorting_deadline(date.fromordinal(lodged), self.settings).toordinal()
            self._sorting[lodged] = value
        return value


_TARGET = {name: spec.target.value for name, spec in BY_NAME.items()}
_TARGET["register"] = CaseState.RECEIVED.value


class _Timeline:
    """Appends a case's events with strictly increasing office-hour timestamps, stopping at
    the first event that would fall on or after the cut-off day."""

    __slots__ = ("case", "cal", "rng", "cutoff", "day", "sec", "stopped")

    def __init__(self, case: _Case, cal: _Calendar, rng: random.Random, cutoff: int) -> None:
        self.case = case
        self.cal = cal
        self.rng = rng
        self.cutoff = cutoff
        self.day = -1
        self.sec = -1
        self.stopped = False

    def add(self, action: str, day: int, actor: int | None, reason: str | None = None,
            sec: int | None = None) -> int | None:
        """Record ``action`` on ``day`` (or the next open day after the previous event);
        return the day used, or None when the case has reached the cut-off."""
        if self.stopped:
            return None
        day = self.cal.snap(max(day, self.day))
        random_ = self.rng.random
        if day == self.day:
            if self.sec >= OFFICE_SECONDS - 2:
                day = self.cal.snap(day + 1)
                sec = int(random_() * OFFICE_SECONDS)
            else:
                low = self.sec + 1
                high = min(OFFICE_SECONDS - 1, self.sec + 5 * 3600)
                sec = low + int(random_() * (high - low + 1))
        elif sec is None:
            sec = int(random_() * OFFICE_SECONDS)
        if day >= self.cutoff:
            self.stopped = True
            return None
        case = self.case
        target = _TARGET[action]
        case.events.append((action, case.state, target, actor, reason, day, sec))
        case.state = target
        self.day, self.sec = day, sec
        return day
