"""connections keep their webhook health: what is inactive, when checked, the measured delivery delay

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 13:10:00
"""
from alembic import op
import sqlalchemy as sa
import ordersync.store.types


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('webhooks_problem', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('webhooks_checked_at', ordersync.store.types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('webhook_delays', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.drop_column('webhook_delays')
        batch_op.drop_column('webhooks_checked_at')
        batch_op.drop_column('webhooks_problem')
