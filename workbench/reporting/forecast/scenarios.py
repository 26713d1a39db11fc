"""What-if scenarios: the changes a manager sets against the baseline, and their storage.

A scenario changes the forecast's inputs, never the history: inquirers added or removed per
office (each new inquirer completes as many cases a week as the office's inquirers do on
average), arrivals changed by a percentage per nationality group (``*`` for every group),
the queue's priority rule and the standard period the share "decided within the standard
period" is counted against. Saved scenarios are named, audited and open to managers only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from models import ForecastScenario
from models.types import utcnow
from workbench.core import audit
from workbench.core.actor import Actor
from workbench.core.errors import NotFound, ValidationError
from workbench.core.i18n import t
from workbench.core.permissions import Action, require

#: Queue disciplines: as the office works now (the order of its recent drafts, fitted from
#: the history); strictly the oldest lodging first; Category B and C cases first (the 2018
#: sorting lets the office decide them quickly); third-or-later applications first. Within a
#: class that goes first, the cases are taken in the office's present order.
PRIORITIES = ("current", "oldest", "bc_first", "repeat_first")
#: Every nationality group at once, in ``Scenario.arrivals``.
ALL_GROUPS = "*"
BASELINE = "baseline"
MAX_NAME = 80
MAX_INQUIRER_CHANGE = 500
MAX_ARRIVAL_CHANGE = 500.0


@dataclass(frozen=True)
class Scenario:
    """Changes against the baseline. ``inquirers`` maps an office to the inquirers added (or,
    negative, removed); ``arrivals`` maps a nationality group (or ``*``) to a change in
    percent; ``standard_months`` replaces the office's standard period when set."""

    name: str = BASELINE
    inquirers: Mapping[str, int] = field(default_factory=dict)
    arrivals: Mapping[str, float] = field(default_factory=dict)
    priority: str = "current"
    standard_months: int | None = None

    def check(self) -> Scenario:
        name = " ".join(str(self.name or "").split())
        if not name:
            raise ValidationError(t("errors.forecast.name_missing"))
        if len(name) > MAX_NAME:
            raise ValidationError(t("errors.forecast.name_too_long", limit=MAX_NAME))
        if self.priority not in PRIORITIES:
            raise ValidationError(t("errors.forecast.unknown_priority", priority=self.priority))
        inquirers: dict[str, int] = {}
        for office, change in self.inquirers.items():
            value = int(change)
            if abs(value) > MAX_INQUIRER_CHANGE:
                raise ValidationError(t("errors.forecast.inquirer_change_too_large",
                                        office=office, limit=MAX_INQUIRER_CHANGE))
            if value:
                inquirers[str(office)] = value
        arrivals: dict[str, float] = {}
        for group, change in self.arrivals.items():
            value = float(change)
            if not math.isfinite(value) or value < -100 or value > MAX_ARRIVAL_CHANGE:
                raise ValidationError(t("errors.forecast.arrival_change_out_of_range",
                                        group=group, limit=int(MAX_ARRIVAL_CHANGE)))
            if value:
                arrivals[str(group)] = value
        months = self.standard_months
        if months is not None and not 1 <= int(months) <= 120:
            raise ValidationError(t("errors.forecast.standard_period_out_of_range"))
        return Scenario(name=name, inquirers=dict(sorted(inquirers.items())),
                        arrivals=dict(sorted(arrivals.items())), priority=self.priority,
                        standard_months=int(months) if months is not None else None)

    @property
    def is_baseline(self) -> bool:
        return (not self.inquirers and not self.arrivals and self.priority == "current"
                and self.standard_months is None)

    def as_dict(self) -> dict[str, Any]:
        return {"inquirers": dict(self.inquirers), "arrivals": dict(self.arrivals),
                "priority": self.priority, "standard_months": self.standard_months}

    def key(self) -> tuple:
        """What the forecast depends on (the name does not change the figures)."""
        return (tuple(sorted(self.inquirers.items())), tuple(sorted(self.arrivals.items())),
                self.priority, self.standard_months)

    @classmethod
    def from_dict(cls, name: str, params: Mapping[str, Any]) -> Scenario:
        return cls(name=name, inquirers=dict(params.get("inquirers") or {}),
                   arrivals=dict(params.get("arrivals") or {}),
                   priority=str(params.get("priority") or "current"),
                   standard_months=params.get("standard_months")).check()


@dataclass(frozen=True)
class SavedScenario:
    id: int
    scenario: Scenario
    version: int


def _saved(row: ForecastScenario) -> SavedScenario:
    return SavedScenario(id=row.id, scenario=Scenario.from_dict(row.name, row.params),
                         version=row.version)


def list_scenarios(session: Session, *, actor: Actor) -> list[SavedScenario]:
    require(actor, Action.STATS_VIEW)
    rows = session.exec(select(ForecastScenario).order_by(ForecastScenario.name)).all()
    return [_saved(row) for row in rows]


def save_scenario(session: Session, *, actor: Actor, scenario: Scenario) -> SavedScenario:
    """Save ``scenario`` under its name: a new one, or the changes of one already saved."""
    require(actor, Action.STATS_VIEW)
    scenario = scenario.check()
    if scenario.name.casefold() == BASELINE:
        raise ValidationError(t("errors.forecast.name_reserved", name=BASELINE))
    row = session.exec(select(ForecastScenario)
                       .where(ForecastScenario.name == scenario.name)).first()
    if row is None:
        row = ForecastScenario(name=scenario.name, params=scenario.as_dict(),
                               created_by_id=actor.id, updated_by_id=actor.id)
        session.add(row)
        action = "forecast.scenario.create"
    else:
        row.params = scenario.as_dict()
        row.version += 1
        row.updated_at = utcnow()
        row.updated_by_id = actor.id
        action = "forecast.scenario.update"
    session.flush()
    audit.record(session, actor=actor, action=action, entity_type="forecast_scenario",
                 entity_id=row.id, details={"name": row.name, **scenario.as_dict()})
    return _saved(row)


def delete_scenario(session: Session, *, actor: Actor, scenario_id: int) -> None:
    require(actor, Action.STATS_VIEW)
    row = session.get(ForecastScenario, scenario_id)
    if row is None:
        raise NotFound(t("errors.forecast.scenario_not_found"))
    audit.record(session, actor=actor, action="forecast.scenario.delete",
                 entity_type="forecast_scenario", entity_id=row.id,
                 details={"name": row.name})
    session.delete(row)
    session.flush()


__all__ = ["ALL_GROUPS", "BASELINE", "PRIORITIES", "SavedScenario", "Scenario",
           "delete_scenario", "list_scenarios", "save_scenario"]
