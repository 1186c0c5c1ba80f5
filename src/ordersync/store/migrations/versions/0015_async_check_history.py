"""checks of an asynchronous job are counted on the outbox entry (for backoff) and recorded as attempts

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 02:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checks', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('outbox_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), nullable=False, server_default='send'))
        batch_op.add_column(sa.Column('detail', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox_attempts', schema=None) as batch_op:
        batch_op.drop_column('detail')
        batch_op.drop_column('kind')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('checks')
