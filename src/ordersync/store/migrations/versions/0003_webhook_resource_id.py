"""webhook resource id

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 07:23:50.356935
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resource_id', sa.String(length=200), server_default='', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_column('resource_id')

