"""The migrations build exactly the schema the models describe, and secrets are unreadable at rest."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from ordersync.store.models import Base
from ordersync.sync.connections import add_connection


def test_migrations_match_the_models(database_url):
    engine = create_engine(database_url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    engine.dispose()


def test_secret_settings_are_encrypted_at_rest(hub):
    from ordersync.channels.woocommerce.connector import WooCommerceConnector  # noqa: F401 - registered

    add_connection(
        hub,
        "woocommerce",
        "shop",
        {"url": "https://shop.example", "consumer_key": "ck_visible_nowhere", "consumer_secret": "cs_visible_nowhere"},
    )
    with hub.db.engine.connect() as conn:
        row = conn.execute(text("SELECT settings_json, secrets FROM connections")).one()
    assert "shop.example" in row.settings_json
    assert "visible_nowhere" not in row.settings_json + row.secrets
