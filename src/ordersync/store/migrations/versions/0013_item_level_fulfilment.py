"""item-level fulfilment: shipment lines, line cancellations, order acknowledgements

Existing shipments get no lines and so stay whole-order shipments.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 22:10:00
"""
from alembic import op
import sqlalchemy as sa
import ordersync.store.types


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

UTC = ordersync.store.types.UTCDateTime
AMOUNT = ordersync.store.types.Amount(precision=18, scale=4)


def upgrade() -> None:
    op.create_table('shipment_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('item_external_id', sa.String(length=100), nullable=False),
    sa.Column('sku', sa.String(length=100), nullable=False),
    sa.Column('quantity', AMOUNT, nullable=False),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_shipment_lines_shipment_id'), 'shipment_lines', ['shipment_id'], unique=False)
    op.create_table('line_cancellations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('item_external_id', sa.String(length=100), nullable=False),
    sa.Column('sku', sa.String(length=100), nullable=False),
    sa.Column('quantity', AMOUNT, nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', UTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_line_cancellations_order_id'), 'line_cancellations', ['order_id'], unique=False)
    op.create_table('order_acknowledgements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('accept', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('deadline', UTC(timezone=True), nullable=True),
    sa.Column('queued_at', UTC(timezone=True), nullable=False),
    sa.Column('sent_at', UTC(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('order_id')
    )


def downgrade() -> None:
    op.drop_table('order_acknowledgements')
    op.drop_index(op.f('ix_line_cancellations_order_id'), table_name='line_cancellations')
    op.drop_table('line_cancellations')
    op.drop_index(op.f('ix_shipment_lines_shipment_id'), table_name='shipment_lines')
    op.drop_table('shipment_lines')
