"""outbox entries can await an asynchronous job's result (feeds, bulk jobs)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 22:10:00
"""
from alembic import op
import sqlalchemy as sa

import ordersync.store.types


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('job_ref', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('job_item', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('check_at', ordersync.store.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('job_deadline', ordersync.store.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_outbox_awaiting', ['status', 'check_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_awaiting')
        batch_op.drop_column('job_deadline')
        batch_op.drop_column('check_at')
        batch_op.drop_column('job_item')
        batch_op.drop_column('job_ref')
        batch_op.drop_column('job_token')
