"""refunds (order_items.refunded_quantity, orders.refunded_amount) and articles.stock_set_at

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 13:10:00
"""
from alembic import op
import sqlalchemy as sa
import ordersync.store.types


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stock_set_at', ordersync.store.types.UTCDateTime(timezone=True),
                                      nullable=True))
    # an existing article's figure counts from its creation: later orders seen already shipped lower it
    op.execute("UPDATE articles SET stock_set_at = created_at")
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refunded_amount', ordersync.store.types.Amount(precision=18, scale=4), server_default=sa.text('0'),
                                      nullable=False))
    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refunded_quantity', ordersync.store.types.Amount(precision=18, scale=4), server_default=sa.text('0'),
                                      nullable=False))
    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.create_index('ix_stock_movements_order_id', ['order_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.drop_index('ix_stock_movements_order_id')
    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.drop_column('refunded_quantity')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('refunded_amount')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('stock_set_at')
