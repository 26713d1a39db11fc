"""sign-in throttle: growing waits per account name and per client instead of a hard lock

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

Five wrong passwords used to lock an account for fifteen minutes, so anyone could lock out
any named account (admin included) by guessing, and only real names ever answered "locked".
Failures are now counted per account name (existing or not) and per client in
``sign_in_throttle``, keyed by an HMAC of the name or client under a random key made here
(``sign_in_secret``); after a few failures each further attempt waits a growing, capped
delay. The user table's lock columns go.
"""

import secrets

from alembic import op
import sqlalchemy as sa
import sqlmodel

import models.types


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sign_in_throttle',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('next_attempt_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('signed_in_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_throttle_last_failure_at'),
                              ['last_failure_at'], unique=False)

    secret = op.create_table('sign_in_secret',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.bulk_insert(secret, [{'id': 1, 'key': secrets.token_hex(32)}])

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_attempts')


def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_attempts', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('locked_until', models.types.UTCDateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('failed_attempts', server_default=None)

    op.drop_table('sign_in_secret')
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_throttle_last_failure_at'))
    op.drop_table('sign_in_throttle')
