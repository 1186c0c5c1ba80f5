"""buyers erased per connection, so a later import strips their personal data again

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 06:40:00
"""
from alembic import op
import sqlalchemy as sa

import ordersync.store.types


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'erased_buyers',
        sa.Column('connection_id', sa.Integer(), nullable=False),
        sa.Column('buyer_id', sa.String(length=200), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('erased_at', ordersync.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('connection_id', 'buyer_id'),
    )


def downgrade() -> None:
    op.drop_table('erased_buyers')
