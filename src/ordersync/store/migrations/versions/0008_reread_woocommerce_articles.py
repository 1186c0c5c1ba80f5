"""WooCommerce articles are read again in full once, so parent-managed variations share their product's stock

Before, a variation with ``manage_stock: "parent"`` became an article of its own with on hand 0. The article
import only reads products changed since its last run, so forgetting its position makes the next run read
every product and link such variations (and their order items) to the product's article.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 13:40:00
"""
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM cursors WHERE stream = 'articles' AND connection_id IN "
               "(SELECT id FROM connections WHERE system = 'woocommerce')")


def downgrade() -> None:
    pass  # nothing to restore: the next import sets the position again
