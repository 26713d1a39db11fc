"""triage: suggestions, sorting reviews, Category A list, identity links, person name keys

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Seeds the Category A list from data/triage/a_countries.toml when the table is empty, and
fills the name keys of every existing person (triage.identity_index.blocking_keys) so that repeat
applicants registered before this revision are found too.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.types


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('a_country',
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('identity_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('other_person_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['other_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('person_id', 'other_person_id', name='uq_identity_link_pair')
    )
    with op.batch_alter_table('identity_link', schema=None) as batch_op:
        batch_op.create_index('ix_identity_link_other', ['other_person_id'], unique=False)

    op.create_table('person_name_key',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('person_id', 'key')
    )
    with op.batch_alter_table('person_name_key', schema=None) as batch_op:
        batch_op.create_index('ix_person_name_key_lookup', ['key', 'birth_year'], unique=False)

    op.create_table('triage_suggestion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('basis', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
    sa.Column('b_reason', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('third_or_later_exception', sa.Boolean(), nullable=True),
    sa.Column('repeats_application_id', sa.Integer(), nullable=True),
    sa.Column('new_share', sa.Float(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('model_version', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('rules_version', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('cues_version', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['repeats_application_id'], ['application.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('triage_suggestion', schema=None) as batch_op:
        batch_op.create_index('ix_triage_suggestion_case', ['application_id', 'created_at'], unique=False)

    op.create_table('triage_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('suggestion_id', sa.Integer(), nullable=False),
    sa.Column('suggested_category', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('decided_category', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('agreed', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('qc_sampled', sa.Boolean(), nullable=False),
    sa.Column('qc_checker_id', sa.Integer(), nullable=True),
    sa.Column('qc_verdict', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('qc_note', sa.Text(), nullable=True),
    sa.Column('qc_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['qc_checker_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['suggestion_id'], ['triage_suggestion.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('triage_review', schema=None) as batch_op:
        batch_op.create_index('ix_triage_review_case', ['application_id', 'created_at'], unique=False)
        batch_op.create_index('ix_triage_review_qc', ['qc_sampled', 'qc_verdict'], unique=False)

    seed_a_countries()
    backfill_name_keys()


def downgrade() -> None:
    with op.batch_alter_table('triage_review', schema=None) as batch_op:
        batch_op.drop_index('ix_triage_review_qc')
        batch_op.drop_index('ix_triage_review_case')

    op.drop_table('triage_review')
    with op.batch_alter_table('triage_suggestion', schema=None) as batch_op:
        batch_op.drop_index('ix_triage_suggestion_case')

    op.drop_table('triage_suggestion')
    with op.batch_alter_table('person_name_key', schema=None) as batch_op:
        batch_op.drop_index('ix_person_name_key_lookup')

    op.drop_table('person_name_key')
    with op.batch_alter_table('identity_link', schema=None) as batch_op:
        batch_op.drop_index('ix_identity_link_other')

    op.drop_table('identity_link')
    op.drop_table('a_country')


def seed_a_countries() -> None:
    """The Category A list as shipped, into the new (empty) table."""
    from workbench.intake.a_countries import a_country_seed_rows

    rows = a_country_seed_rows()
    if rows:
        table = sa.table('a_country', sa.column('code'), sa.column('reason'),
                         sa.column('since'), sa.column('active'), sa.column('version'),
                         sa.column('updated_at', models.types.UTCDateTime()),
                         sa.column('updated_by_id'))
        op.get_bind().execute(table.insert(), rows)


def backfill_name_keys() -> None:
    """Name keys of every person already registered, a thousand people at a time."""
    from workbench.intake.identity_links import name_key_rows

    bind = op.get_bind()
    person = sa.table('person', sa.column('id'), sa.column('family_name'),
                      sa.column('given_names'), sa.column('name_original'),
                      sa.column('date_of_birth'), sa.column('birth_year'),
                      sa.column('nationality'), sa.column('sex'),
                      sa.column('aliases', sa.JSON()))
    keys = sa.table('person_name_key', sa.column('person_id'), sa.column('key'),
                    sa.column('birth_year'))
    last = 0
    while True:
        rows = bind.execute(sa.select(person).where(person.c.id > last)
                            .order_by(person.c.id).limit(1000)).mappings().all()
        if not rows:
            break
        batch = [key for row in rows for key in name_key_rows(row)]
        if batch:
            bind.execute(keys.insert(), batch)
        last = rows[-1]['id']
