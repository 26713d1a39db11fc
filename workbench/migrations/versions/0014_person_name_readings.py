"""Person name readings: katakana reading and kanji beside the passport name

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

``person.name_kana`` keeps the katakana reading of the applicant's name (グエン・ヴァン・アン),
``person.name_kanji`` the name in kanji for people who have one (Chinese, Korean and
Japanese-script names). ``person.name_reading_key`` holds both folded for the case search
(``triage.readings.search_key``); people registered before this revision have neither, so
their key starts empty.
"""

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("name_kana", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("name_kanji", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("name_reading_key", sa.String(length=440), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_column("name_reading_key")
        batch.drop_column("name_kanji")
        batch.drop_column("name_kana")
