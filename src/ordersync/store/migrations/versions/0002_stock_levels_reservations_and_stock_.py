"""stock levels, reservations and stock rules

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 06:45:02.110925
"""
from alembic import op
import sqlalchemy as sa
import ordersync.store.types


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stock_levels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('location', sa.String(length=50), nullable=False),
    sa.Column('on_hand', ordersync.store.types.Amount(precision=18, scale=4), nullable=False),
    sa.Column('updated_at', ordersync.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('article_id', 'location', name='uq_stock_level')
    )
    with op.batch_alter_table('stock_levels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_levels_article_id'), ['article_id'], unique=False)

    # on-hand moves from the article to its stock level at the default location
    op.execute("INSERT INTO stock_levels (article_id, location, on_hand, updated_at) "
               "SELECT id, 'default', on_hand, updated_at FROM articles")
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('weight_kg', ordersync.store.types.Amount(precision=18, scale=4), nullable=True))
        batch_op.drop_column('on_hand')

    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stock_push', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('stock_buffer', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('stock_max', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('stock_zero_below', sa.Integer(), server_default=sa.text('0'), nullable=False))

    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('push_mode', sa.String(length=10), server_default='auto', nullable=False))
        batch_op.add_column(sa.Column('stock_buffer', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('stock_max', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('stock_zero_below', sa.Integer(), nullable=True))

    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('article_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('dont_adjust_stock', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f('ix_order_items_article_id'), ['article_id'], unique=False)
        batch_op.create_foreign_key('fk_order_items_article', 'articles', ['article_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stock_effect', sa.String(length=10), server_default='none', nullable=False))
        batch_op.add_column(sa.Column('oversold', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location', sa.String(length=50), server_default='default', nullable=False))
        batch_op.add_column(sa.Column('order_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_stock_movements_order', 'orders', ['order_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.drop_constraint('fk_stock_movements_order', type_='foreignkey')
        batch_op.drop_column('order_id')
        batch_op.drop_column('location')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('oversold')
        batch_op.drop_column('stock_effect')

    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.drop_constraint('fk_order_items_article', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_order_items_article_id'))
        batch_op.drop_column('dont_adjust_stock')
        batch_op.drop_column('article_id')

    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_column('stock_zero_below')
        batch_op.drop_column('stock_max')
        batch_op.drop_column('stock_buffer')
        batch_op.drop_column('push_mode')

    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.drop_column('stock_zero_below')
        batch_op.drop_column('stock_max')
        batch_op.drop_column('stock_buffer')
        batch_op.drop_column('stock_push')

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_hand', ordersync.store.types.Amount(precision=18, scale=4),
                                      nullable=False, server_default='0'))
        batch_op.drop_column('weight_kg')
    op.execute("UPDATE articles SET on_hand = (SELECT SUM(on_hand) FROM stock_levels "
               "WHERE stock_levels.article_id = articles.id) "
               "WHERE id IN (SELECT article_id FROM stock_levels)")

    with op.batch_alter_table('stock_levels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_levels_article_id'))

    op.drop_table('stock_levels')
