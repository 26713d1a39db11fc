"""dashboard indexes: covering indexes for the managers' grouped figures

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

Each index leads with the date a figure counts by (decided, sorted, ruled, lodged) and holds
every column the dashboard groups or filters on, so that its queries over a national caseload
read the index and never the wide application rows (which carry the claim narratives).
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.types  # noqa: F401


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_index('ix_dash_decided', ['decided_on', 'lodged_date', 'office', 'sorting_category', 'assigned_inquirer_id', 'decision_drafted_by_id', 'outcome', 'review_ruling', 'person_id'], unique=False)
        batch_op.create_index('ix_dash_lodged', ['lodged_date', 'state', 'office', 'sorting_category', 'application_number', 'reasonable_grounds_materials', 'assigned_inquirer_id', 'review_filed_on', 'outcome', 'person_id'], unique=False)
        batch_op.create_index('ix_dash_ruled', ['ruled_on', 'review_filed_on', 'office', 'sorting_category', 'assigned_inquirer_id', 'review_ruling', 'person_id'], unique=False)
        batch_op.create_index('ix_dash_sorted', ['sorted_on', 'lodged_date', 'office', 'sorting_category', 'assigned_inquirer_id', 'person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index('ix_dash_sorted')
        batch_op.drop_index('ix_dash_ruled')
        batch_op.drop_index('ix_dash_lodged')
        batch_op.drop_index('ix_dash_decided')

