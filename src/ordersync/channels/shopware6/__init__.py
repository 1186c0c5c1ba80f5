"""Shopware 6: orders imported by polling its REST API.

Registered under the ``ordersync.connectors`` entry point (``pyproject.toml``):
``shopware6 = "ordersync.channels.shopware6.connector:Shopware6Connector"``.
"""
