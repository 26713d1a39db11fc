"""Forecast scenarios: what-if scenarios of the processing forecast, saved under a name

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07

``forecast_scenario`` keeps each scenario a manager saved on the dashboard: its name
(unique) and its changes against the baseline as JSON (inquirers per office, arrivals per
nationality group, priority rule, standard period). Downgrade drops the table.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forecast_scenario",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
    )
    op.create_index("ix_forecast_scenario_name", "forecast_scenario", ["name"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_forecast_scenario_name", table_name="forecast_scenario")
    op.drop_table("forecast_scenario")
