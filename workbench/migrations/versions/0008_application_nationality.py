"""application nationality: the applicant's nationality on each application, for statistics

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

National statistics group by nationality; reading it from the person of every application
cost a lookup per row. The applicant's nationality is now kept on the application too (set at
registration, updated with every correction of the person record), filled here from the
people, and the dashboard's covering indexes carry it instead of the person id.
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_INDEXES = {
    "ix_dash_decided": ["decided_on", "lodged_date", "office", "sorting_category",
                        "assigned_inquirer_id", "decision_drafted_by_id", "outcome",
                        "review_ruling"],
    "ix_dash_sorted": ["sorted_on", "lodged_date", "office", "sorting_category",
                       "assigned_inquirer_id"],
    "ix_dash_ruled": ["ruled_on", "review_filed_on", "office", "sorting_category",
                      "assigned_inquirer_id", "review_ruling"],
    "ix_dash_lodged": ["lodged_date", "state", "office", "sorting_category",
                       "application_number", "reasonable_grounds_materials",
                       "assigned_inquirer_id", "review_filed_on", "outcome"],
}


def upgrade() -> None:
    with op.batch_alter_table('application', schema=None) as batch_op:
        for name in _INDEXES:
            batch_op.drop_index(name)
        batch_op.add_column(sa.Column('nationality', sa.String(length=3), nullable=True))
    op.execute("UPDATE application SET nationality = (SELECT person.nationality FROM person "
               "WHERE person.id = application.person_id)")
    with op.batch_alter_table('application', schema=None) as batch_op:
        for name, columns in _INDEXES.items():
            batch_op.create_index(name, columns + ["nationality"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('application', schema=None) as batch_op:
        for name in _INDEXES:
            batch_op.drop_index(name)
        batch_op.drop_column('nationality')
        for name, columns in _INDEXES.items():
            batch_op.create_index(name, columns + ["person_id"], unique=False)
