"""milestone dates on applications

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Adds the office-local dates of sorting, decision, review filing and ruling, and fills
them from the status events of existing cases.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.types  # noqa: F401


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sorted_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('decided_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('review_filed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ruled_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_application_milestones', ['state', 'lodged_date', 'sorted_on', 'decided_on', 'review_filed_on', 'ruled_on'], unique=False)
    backfill_milestones()



def downgrade() -> None:
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index('ix_application_milestones')
        batch_op.drop_column('ruled_on')
        batch_op.drop_column('review_filed_on')
        batch_op.drop_column('decided_on')
        batch_op.drop_column('sorted_on')



def backfill_milestones() -> None:
    """Derive the milestones of existing cases from their events, in event order."""
    from workbench.core.clock import local_date
    from workbench.core.milestones import MILESTONE_COLUMNS, milestone_updates

    bind = op.get_bind()
    events = sa.table("status_event", sa.column("application_id"), sa.column("action"),
                      sa.column("occurred_at", models.types.UTCDateTime()), sa.column("id"))
    application = sa.table("application", sa.column("id"),
                           *(sa.column(c) for c in MILESTONE_COLUMNS))
    actions = ["confirm_sorting", "serve_notice", "file_review", "file_review_inaction",
               "record_ruling", "withdraw_review"]
    rows = bind.execute(
        sa.select(events.c.application_id, events.c.action, events.c.occurred_at)
        .where(events.c.action.in_(actions))
        .order_by(events.c.application_id, events.c.occurred_at, events.c.id)
    )
    updates: list[dict] = []
    current_id, current = None, {}

    def flush_case() -> None:
        if current_id is not None and any(current.values()):
            updates.append({"app_id": current_id, **current})

    for application_id, action, occurred_at in rows:
        if application_id != current_id:
            flush_case()
            current_id, current = application_id, dict.fromkeys(MILESTONE_COLUMNS)
        current.update(milestone_updates(current, action, local_date(occurred_at)))
    flush_case()
    if updates:
        bind.execute(
            application.update().where(application.c.id == sa.bindparam("app_id"))
            .values({c: sa.bindparam(c) for c in MILESTONE_COLUMNS}),
            updates,
        )
