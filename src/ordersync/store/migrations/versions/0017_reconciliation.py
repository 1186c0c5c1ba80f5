"""reconciliation reports per connection and each connection's reconciliation settings

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 05:20:00
"""
from alembic import op
import sqlalchemy as sa

import ordersync.store.types


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reconcile_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('connection_id', sa.Integer(), nullable=False),
        sa.Column('trigger', sa.String(length=12), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('since', ordersync.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('until', ordersync.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('phase', sa.String(length=12), nullable=False),
        sa.Column('phases', sa.Text(), nullable=False),
        sa.Column('read', sa.Integer(), nullable=False),
        sa.Column('expected', sa.Integer(), nullable=True),
        sa.Column('differences', sa.Integer(), nullable=False),
        sa.Column('report', sa.Text(), nullable=False),
        sa.Column('reasons', sa.Text(), nullable=False),
        sa.Column('holder', sa.String(length=100), nullable=True),
        sa.Column('lease_until', ordersync.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('started_at', ordersync.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('finished_at', ordersync.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('mended', sa.Text(), server_default='{}', nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id']),
        sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_reconcile_runs_connection', 'reconcile_runs', ['connection_id', 'id'])
    op.create_table(
        'reconcile_settings',
        sa.Column('connection_id', sa.Integer(), nullable=False),
        sa.Column('interval_hours', sa.Integer(), server_default=sa.text('24'), nullable=False),
        sa.Column('auto_import', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('next_run_at', ordersync.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('connection_id'),
    )


def downgrade() -> None:
    op.drop_table('reconcile_settings')
    op.drop_index('ix_reconcile_runs_connection', table_name='reconcile_runs')
    op.drop_table('reconcile_runs')
