"""sync runs record their holder, so a run whose worker is gone shows as interrupted

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 13:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sync_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holder', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('leased', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('sync_runs', schema=None) as batch_op:
        batch_op.drop_column('leased')
        batch_op.drop_column('holder')
