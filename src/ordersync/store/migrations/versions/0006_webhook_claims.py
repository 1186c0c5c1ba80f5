"""webhook deliveries are claimed in batches

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 11:40:00
"""
from alembic import op
import sqlalchemy as sa
import ordersync.store.types


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_until', ordersync.store.types.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_column('claimed_until')
