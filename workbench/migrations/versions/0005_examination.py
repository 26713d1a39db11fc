"""examination: interview records, assessments and decisions

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

A final decision (notice served) is protected by triggers as well as by the service: its
outcome, reasons, citations and notice date can never change, and the row cannot be deleted;
only its status may move to SUPERSEDED, with the later decision that replaces it.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.types  # noqa: F401


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assessment',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('chosen_outcome', sa.String(length=40), nullable=True),
    sa.Column('departure_reason', sa.Text(), nullable=True),
    sa.Column('humanitarian_considered', sa.Boolean(), nullable=False),
    sa.Column('humanitarian_permission', sa.Boolean(), nullable=False),
    sa.Column('humanitarian_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_id', name='uq_assessment_case')
    )
    op.create_table('decision',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('outcome', sa.String(length=40), nullable=False),
    sa.Column('humanitarian_permission', sa.Boolean(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('citation_ids', sa.JSON(), nullable=False),
    sa.Column('drafted_by_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('notice_date', sa.Date(), nullable=True),
    sa.Column('finalised_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('supersede_reason', sa.Text(), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['decision.id'], ),
    sa.ForeignKeyConstraint(['supersedes_id'], ['decision.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.create_index('ix_decision_case', ['application_id', 'number'], unique=False)

    op.create_table('interview_record',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('bank_version', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('read_back_confirmed', sa.Boolean(), nullable=True),
    sa.Column('read_back_language', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('read_back_note', sa.Text(), nullable=True),
    sa.Column('closed_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_id', name='uq_interview_record_case')
    )
    op.create_table('element_assessment',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('element', sa.String(length=24), nullable=False),
    sa.Column('finding', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('grounds', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('assessment_id', 'element', name='uq_element_finding')
    )
    op.create_table('interview_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['record_id'], ['interview_record.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('record_id', 'question_id', name='uq_interview_answer_question')
    )
    op.create_table('interview_incident',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=True),
    sa.Column('occurred_text', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('agent', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('what_happened', sa.Text(), nullable=False),
    sa.Column('injuries', sa.Text(), nullable=False),
    sa.Column('witnesses', sa.Text(), nullable=False),
    sa.Column('reported', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['interview_record.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('interview_incident', schema=None) as batch_op:
        batch_op.create_index('ix_interview_incident_record', ['record_id', 'position'], unique=False)

    op.create_table('interview_inconsistency',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('session_number', sa.Integer(), nullable=True),
    sa.Column('matter', sa.Text(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['interview_record.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('interview_session',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('session_date', sa.Date(), nullable=False),
    sa.Column('start_time', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('end_time', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('interpreter', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('present', sa.Text(), nullable=False),
    sa.Column('breaks', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['interview_record.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('record_id', 'number', name='uq_interview_session_no')
    )
    op.create_table('material_fact',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('finding', sa.String(length=24), nullable=True),
    sa.Column('finding_reason', sa.Text(), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('material_fact', schema=None) as batch_op:
        batch_op.create_index('ix_material_fact_assessment', ['assessment_id', 'position'], unique=False)

    op.create_table('credibility_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fact_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=32), nullable=False),
    sa.Column('rating', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('citation_ids', sa.JSON(), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['fact_id'], ['material_fact.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('fact_id', 'indicator', name='uq_credibility_rating')
    )
    create_final_decision_triggers()


def downgrade() -> None:
    drop_final_decision_triggers()
    op.drop_table('credibility_rating')
    with op.batch_alter_table('material_fact', schema=None) as batch_op:
        batch_op.drop_index('ix_material_fact_assessment')

    op.drop_table('material_fact')
    op.drop_table('interview_session')
    op.drop_table('interview_inconsistency')
    with op.batch_alter_table('interview_incident', schema=None) as batch_op:
        batch_op.drop_index('ix_interview_incident_record')

    op.drop_table('interview_incident')
    op.drop_table('interview_answer')
    op.drop_table('element_assessment')
    op.drop_table('interview_record')
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index('ix_decision_case')

    op.drop_table('decision')
    op.drop_table('assessment')


_FROZEN = ("outcome", "reasons", "citation_ids", "notice_date", "humanitarian_permission",
           "application_id", "number", "drafted_by_id", "approved_by_id")


def create_final_decision_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _FROZEN)
        op.execute(
            "CREATE TRIGGER decision_final_no_update BEFORE UPDATE ON decision "
            f"WHEN OLD.status IN ('FINAL', 'SUPERSEDED') AND ({changed} "
            "OR NEW.status NOT IN ('FINAL', 'SUPERSEDED')) "
            "BEGIN SELECT RAISE(ABORT, 'a final decision cannot be changed'); END")
        op.execute(
            "CREATE TRIGGER decision_final_no_delete BEFORE DELETE ON decision "
            "WHEN OLD.status IN ('FINAL', 'SUPERSEDED') "
            "BEGIN SELECT RAISE(ABORT, 'a final decision cannot be deleted'); END")
    else:
        changed = " OR ".join(f"NEW.{c}::text IS DISTINCT FROM OLD.{c}::text" for c in _FROZEN)
        op.execute(
            "CREATE FUNCTION decision_final_frozen() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN "
            "IF OLD.status IN ('FINAL', 'SUPERSEDED') THEN "
            "  IF TG_OP = 'DELETE' THEN "
            "    RAISE EXCEPTION 'a final decision cannot be deleted'; "
            "  END IF; "
            f"  IF {changed} OR NEW.status NOT IN ('FINAL', 'SUPERSEDED') THEN "
            "    RAISE EXCEPTION 'a final decision cannot be changed'; "
            "  END IF; "
            "END IF; "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; "
            "RETURN NEW; "
            "END $$")
        op.execute(
            "CREATE TRIGGER decision_final_frozen BEFORE UPDATE OR DELETE ON decision "
            "FOR EACH ROW EXECUTE FUNCTION decision_final_frozen()")


def drop_final_decision_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS decision_final_no_update")
        op.execute("DROP TRIGGER IF EXISTS decision_final_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS decision_final_frozen ON decision")
        op.execute("DROP FUNCTION IF EXISTS decision_final_frozen()")
