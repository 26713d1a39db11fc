"""What-if scenarios of the processing forecast, saved by managers under a name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class ForecastScenario(SQLModel, table=True):
    """A named set of changes against the baseline: inquirers added or removed per office,
    arrivals changed per nationality group, the queue's priority rule and the standard
    period. ``params`` holds them as written by
    ``workbench.reporting.forecast.Scenario.as_dict``."""

    __tablename__ = "forecast_scenario"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True, index=True)
    params: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")
