"""outgoing mail and order forwarding

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 08:20:00
"""
from alembic import op
import sqlalchemy as sa
import ordersync.store.types


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('forward_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=2), server_default='de', nullable=False),
    sa.Column('secrets', sa.Text(), nullable=False),
    sa.Column('enabled', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', ordersync.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account_id', 'name', name='uq_forward_target')
    )
    op.create_table('mail_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', ordersync.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account_id', 'kind', 'language', name='uq_mail_template')
    )
    op.create_table('smtp_settings',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('port', sa.Integer(), nullable=False),
    sa.Column('security', sa.String(length=10), nullable=False),
    sa.Column('username', sa.String(length=255), nullable=False),
    sa.Column('from_address', sa.String(length=255), nullable=False),
    sa.Column('from_name', sa.String(length=255), nullable=False),
    sa.Column('reply_to', sa.String(length=255), nullable=False),
    sa.Column('ca_pem', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=2), server_default='de', nullable=False),
    sa.Column('notify_buyer_by_mail', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('secrets', sa.Text(), nullable=False),
    sa.Column('updated_at', ordersync.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id')
    )
    op.create_table('connection_mail_settings',
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('notify_buyer_by_mail', sa.Boolean(), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=True),
    sa.Column('updated_at', ordersync.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('connection_id')
    )
    op.create_table('forward_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Integer(), nullable=True),
    sa.Column('sku', sa.String(length=100), nullable=True),
    sa.Column('supplier', sa.String(length=100), nullable=True),
    sa.Column('enabled', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', ordersync.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['forward_targets.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('forward_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forward_rules_target_id'), ['target_id'], unique=False)

    op.create_table('order_forwards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('trigger', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('next_attempt_at', ordersync.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lease_until', ordersync.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('result', sa.Text(), nullable=True),
    sa.Column('created_at', ordersync.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', ordersync.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', ordersync.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['forward_targets.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('order_id', 'target_id', name='uq_order_forward')
    )
    with op.batch_alter_table('order_forwards', schema=None) as batch_op:
        batch_op.create_index('ix_order_forwards_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_forwards_order_id'), ['order_id'], unique=False)

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supplier', sa.String(length=100), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('supplier')

    with op.batch_alter_table('order_forwards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_forwards_order_id'))
        batch_op.drop_index('ix_order_forwards_due')

    op.drop_table('order_forwards')
    with op.batch_alter_table('forward_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forward_rules_target_id'))

    op.drop_table('forward_rules')
    op.drop_table('connection_mail_settings')
    op.drop_table('smtp_settings')
    op.drop_table('mail_templates')
    op.drop_table('forward_targets')
