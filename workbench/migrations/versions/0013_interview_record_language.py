"""Interview record language: the language each interview record is taken and printed in

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

``interview_record.record_language`` is ``en`` or ``ja``: the question bank's texts are shown
and printed in it. Records that existed before were taken in English (the only language the
bank had), so they get ``en``.
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("interview_record") as batch:
        batch.add_column(sa.Column("record_language", sa.String(length=8), nullable=False,
                                   server_default="en"))


def downgrade() -> None:
    with op.batch_alter_table("interview_record") as batch:
        batch.drop_column("record_language")
