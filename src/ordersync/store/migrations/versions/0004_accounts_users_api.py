"""users, API keys, login attempts, order tags, outgoing webhooks; inbox indexes on orders

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 08:20:00
"""
from alembic import op
import sqlalchemy as sa
import ordersync.store.types


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

UTC = ordersync.store.types.UTCDateTime


def upgrade() -> None:
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('locale', sa.String(length=5), server_default='en', nullable=False),
    sa.Column('created_at', UTC(timezone=True), nullable=False),
    sa.Column('password_changed_at', UTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    op.create_index(op.f('ix_users_account_id'), 'users', ['account_id'], unique=False)
    op.create_table('api_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('prefix', sa.String(length=20), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTC(timezone=True), nullable=False),
    sa.Column('last_used_at', UTC(timezone=True), nullable=True),
    sa.Column('revoked_at', UTC(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_hash')
    )
    op.create_index(op.f('ix_api_keys_user_id'), 'api_keys', ['user_id'], unique=False)
    op.create_table('login_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('at', UTC(timezone=True), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_login_attempts_email', 'login_attempts', ['email', 'at'], unique=False)
    op.create_index('ix_login_attempts_ip', 'login_attempts', ['ip', 'at'], unique=False)
    op.create_table('order_tags',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=100), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('created_at', UTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('order_id', 'tag')
    )
    op.create_index('ix_order_tags_account_tag', 'order_tags', ['account_id', 'tag'], unique=False)
    op.create_table('webhook_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('events', sa.Text(), nullable=False),
    sa.Column('secret', sa.Text(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('order_event_cursor', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('stock_movement_cursor', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('created_at', UTC(timezone=True), nullable=False),
    sa.Column('updated_at', UTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_webhook_subscriptions_account_id'), 'webhook_subscriptions', ['account_id'],
                    unique=False)
    op.create_table('webhook_deliveries_out',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('event_type', sa.String(length=40), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', UTC(timezone=True), nullable=False),
    sa.Column('lease_until', UTC(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', UTC(timezone=True), nullable=False),
    sa.Column('delivered_at', UTC(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.ForeignKeyConstraint(['subscription_id'], ['webhook_subscriptions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('subscription_id', 'event_id', name='uq_webhook_out_event')
    )
    op.create_index('ix_webhook_out_due', 'webhook_deliveries_out', ['status', 'next_attempt_at'], unique=False)
    op.create_table('webhook_attempts_out',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('at', UTC(timezone=True), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('next_attempt_at', UTC(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['delivery_id'], ['webhook_deliveries_out.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_webhook_attempts_out_delivery_id'), 'webhook_attempts_out', ['delivery_id'],
                    unique=False)
    op.create_index('ix_orders_account_created', 'orders', ['account_id', 'created_at', 'id'], unique=False)
    op.create_index('ix_orders_account_connection_created', 'orders', ['account_id', 'connection_id', 'created_at'],
                    unique=False)
    _trigram_indexes()


def _trigram_indexes() -> None:
    """PostgreSQL only: trigram indexes on lower(column) make the inbox's substring search (number, external
    id, buyer, e-mail, SKU) an index lookup at 100,000 orders; readmodel/orders.py queries these expressions.
    Without the pg_trgm extension (not installed, or no right to create it) the search still works, by
    reading every row."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    if not bind.exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'").first():
        return
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError:
        return
    for name, table, column in TRIGRAM_INDEXES:
        op.execute(f"CREATE INDEX {name} ON {table} USING gin ((lower({column})) gin_trgm_ops)")


TRIGRAM_INDEXES = (("ix_orders_number_trgm", "orders", "number"),
                   ("ix_orders_external_id_trgm", "orders", "external_id"),
                   ("ix_orders_buyer_name_trgm", "orders", "buyer_name"),
                   ("ix_orders_buyer_email_trgm", "orders", "buyer_email"),
                   ("ix_order_items_sku_trgm", "order_items", "sku"))


def downgrade() -> None:
    for name, _, _ in TRIGRAM_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_index('ix_orders_account_connection_created', table_name='orders')
    op.drop_index('ix_orders_account_created', table_name='orders')
    op.drop_index(op.f('ix_webhook_attempts_out_delivery_id'), table_name='webhook_attempts_out')
    op.drop_table('webhook_attempts_out')
    op.drop_index('ix_webhook_out_due', table_name='webhook_deliveries_out')
    op.drop_table('webhook_deliveries_out')
    op.drop_index(op.f('ix_webhook_subscriptions_account_id'), table_name='webhook_subscriptions')
    op.drop_table('webhook_subscriptions')
    op.drop_index('ix_order_tags_account_tag', table_name='order_tags')
    op.drop_table('order_tags')
    op.drop_index('ix_login_attempts_ip', table_name='login_attempts')
    op.drop_index('ix_login_attempts_email', table_name='login_attempts')
    op.drop_table('login_attempts')
    op.drop_index(op.f('ix_api_keys_user_id'), table_name='api_keys')
    op.drop_table('api_keys')
    op.drop_index(op.f('ix_users_account_id'), table_name='users')
    op.drop_table('users')
