"""OAuth 2: a connection's tokens (encrypted, with a refresh lease), consent states, and "needs re-authorisation"

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 22:00:00
"""
from alembic import op
import sqlalchemy as sa

import ordersync.store.types


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auth_problem', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('auth_problem_at', ordersync.store.types.UTCDateTime(timezone=True),
                                      nullable=True))
    op.create_table(
        'connection_tokens',
        sa.Column('connection_id', sa.Integer(), sa.ForeignKey('connections.id', ondelete='CASCADE'),
                  primary_key=True),
        sa.Column('tokens', sa.Text(), nullable=True),
        sa.Column('lock_owner', sa.String(length=100), nullable=True),
        sa.Column('lock_until', ordersync.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('updated_at', ordersync.store.types.UTCDateTime(timezone=True), nullable=False),
    )
    op.create_table(
        'oauth_states',
        sa.Column('state_hash', sa.String(length=64), primary_key=True),
        sa.Column('connection_id', sa.Integer(), sa.ForeignKey('connections.id', ondelete='CASCADE'),
                  nullable=False, index=True),
        sa.Column('binding', sa.String(length=64), nullable=False),
        sa.Column('verifier', sa.Text(), nullable=True),
        sa.Column('redirect_uri', sa.Text(), nullable=False),
        sa.Column('created_at', ordersync.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', ordersync.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('used_at', ordersync.store.types.UTCDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table('oauth_states')
    op.drop_table('connection_tokens')
    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.drop_column('auth_problem_at')
        batch_op.drop_column('auth_problem')
