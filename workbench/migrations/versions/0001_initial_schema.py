"""initial schema: people, applications, status events, users, audit log

Revision ID: 0001
Revises: 
Create Date: 2026-11-23
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.types

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_event',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('occurred_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('entity_type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('entity_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('prev_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq')
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_actor', ['actor_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_audit_event_entity', ['entity_type', 'entity_id'], unique=False)

    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('user',
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('office', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('expertise', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_username'), ['username'], unique=True)

    op.create_table('person',
    sa.Column('family_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('given_names', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name_original', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('sex', sa.String(length=2), nullable=False),
    sa.Column('nationality', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('application',
    sa.Column('application_type', sa.String(length=16), nullable=False),
    sa.Column('lodged_date', sa.Date(), nullable=False),
    sa.Column('office', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('residence_status_at_filing', sa.String(length=32), nullable=False),
    sa.Column('activities_ceased', sa.Boolean(), nullable=False),
    sa.Column('removal_procedure', sa.Boolean(), nullable=False),
    sa.Column('detained', sa.Boolean(), nullable=False),
    sa.Column('claim_narrative', sa.Text(), nullable=False),
    sa.Column('claim_language', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('name_as_entered', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('date_of_birth_as_entered', sa.Date(), nullable=True),
    sa.Column('reasonable_grounds_materials', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('application_number', sa.Integer(), nullable=False),
    sa.Column('previous_application_id', sa.Integer(), nullable=True),
    sa.Column('sorting_category', sa.String(length=12), nullable=False),
    sa.Column('residence_measure', sa.String(length=24), nullable=False),
    sa.Column('removal_suspension', sa.String(length=32), nullable=False),
    sa.Column('assigned_inquirer_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('outcome', sa.String(length=40), nullable=True),
    sa.Column('decision_drafted_by_id', sa.Integer(), nullable=True),
    sa.Column('notice_date', sa.Date(), nullable=True),
    sa.Column('review_basis', sa.String(length=20), nullable=True),
    sa.Column('review_filed_date', sa.Date(), nullable=True),
    sa.Column('review_late_reason', sa.Text(), nullable=True),
    sa.Column('review_ruling', sa.String(length=24), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assigned_inquirer_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['decision_drafted_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['previous_application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_case_number'), ['case_number'], unique=True)
        batch_op.create_index('ix_application_inquirer_state', ['assigned_inquirer_id', 'state'], unique=False)
        batch_op.create_index('ix_application_person', ['person_id', 'lodged_date'], unique=False)
        batch_op.create_index('ix_application_state_lodged', ['state', 'lodged_date'], unique=False)

    op.create_table('status_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.String(length=24), nullable=True),
    sa.Column('to_state', sa.String(length=24), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('occurred_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('status_event', schema=None) as batch_op:
        batch_op.create_index('ix_status_event_action_application', ['action', 'application_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_status_event_application_time', ['application_id', 'occurred_at'], unique=False)

    op.execute("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '" + "0" * 64 + "')")
    create_append_only_triggers()



def downgrade() -> None:
    drop_append_only_triggers()
    with op.batch_alter_table('status_event', schema=None) as batch_op:
        batch_op.drop_index('ix_status_event_application_time')
        batch_op.drop_index('ix_status_event_action_application')

    op.drop_table('status_event')
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index('ix_application_state_lodged')
        batch_op.drop_index('ix_application_person')
        batch_op.drop_index('ix_application_inquirer_state')
        batch_op.drop_index(batch_op.f('ix_application_case_number'))

    op.drop_table('application')
    op.drop_table('person')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_username'))

    op.drop_table('user')
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_entity')
        batch_op.drop_index('ix_audit_event_actor')

    op.drop_table('audit_event')


def create_append_only_triggers() -> None:
    """The audit log refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL)."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )


def drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
