"""User language: the language each user chose for the workbench

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

``user.language`` holds the language a user picked in the sidebar (``en`` or ``ja``). Empty
means the user has not chosen: the office setting, then the browser's language, decide.
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.drop_column("language")
