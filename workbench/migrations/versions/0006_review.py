"""administrative review: panels, appeals, hearings, opinions

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

Standing panels of three counsellors, appeals allocated to them with their new evidence,
declared conflicts of interest, oral opinion statements with their questions and answers,
each counsellor's opinion and the panel's opinion.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.types  # noqa: F401


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('review_panel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('office', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('review_panel_member',
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('presiding', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['panel_id'], ['review_panel.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('panel_id', 'user_id')
    )
    with op.batch_alter_table('review_panel_member', schema=None) as batch_op:
        batch_op.create_index('ix_panel_member_user', ['user_id'], unique=False)

    op.create_table('conflict_declaration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('declared_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_id', 'user_id', name='uq_conflict_case')
    )
    op.create_table('appeal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('basis', sa.String(length=20), nullable=False),
    sa.Column('filed_date', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('late_reason', sa.Text(), nullable=True),
    sa.Column('grounds', sa.Text(), nullable=False),
    sa.Column('hearing_requested', sa.Boolean(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=True),
    sa.Column('allocated_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('allocated_by_id', sa.Integer(), nullable=True),
    sa.Column('ruling', sa.String(length=24), nullable=True),
    sa.Column('ruling_gist', sa.Text(), nullable=True),
    sa.Column('ruled_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ruled_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['allocated_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], ),
    sa.ForeignKeyConstraint(['panel_id'], ['review_panel.id'], ),
    sa.ForeignKeyConstraint(['ruled_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.create_index('ix_appeal_case', ['application_id', 'filed_date'], unique=False)
        batch_op.create_index('ix_appeal_panel', ['panel_id', 'ruled_at'], unique=False)

    op.create_table('appeal_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('media_type', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('added_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['added_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeal.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('counsellor_opinion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('counsellor_id', sa.Integer(), nullable=False),
    sa.Column('well_founded', sa.Boolean(), nullable=True),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('citation_ids', sa.JSON(), nullable=False),
    sa.Column('submitted_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeal.id'], ),
    sa.ForeignKeyConstraint(['counsellor_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('appeal_id', 'counsellor_id', name='uq_opinion_author')
    )
    op.create_table('panel_opinion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('well_founded', sa.Boolean(), nullable=False),
    sa.Column('unanimous', sa.Boolean(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('dissent', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeal.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('appeal_id', name='uq_panel_opinion_appeal')
    )
    op.create_table('review_hearing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('scheduled_for', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('interpreter', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('attendance', sa.Text(), nullable=False),
    sa.Column('requester_attended', sa.Boolean(), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('skipped', sa.Boolean(), nullable=False),
    sa.Column('skip_reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeal.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('appeal_id', name='uq_hearing_appeal')
    )
    op.create_table('review_hearing_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hearing_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['asked_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['hearing_id'], ['review_hearing.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review_hearing_entry', schema=None) as batch_op:
        batch_op.create_index('ix_hearing_entry', ['hearing_id', 'position'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('review_hearing_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_hearing_entry')

    op.drop_table('review_hearing_entry')
    op.drop_table('review_hearing')
    op.drop_table('panel_opinion')
    op.drop_table('counsellor_opinion')
    op.drop_table('appeal_document')
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.drop_index('ix_appeal_panel')
        batch_op.drop_index('ix_appeal_case')

    op.drop_table('appeal')
    op.drop_table('conflict_declaration')
    with op.batch_alter_table('review_panel_member', schema=None) as batch_op:
        batch_op.drop_index('ix_panel_member_user')

    op.drop_table('review_panel_member')
    op.drop_table('review_panel')
