"""Shopware 5: orders imported by polling its REST API.

Registered under the ``ordersync.connectors`` entry point (``pyproject.toml``):
``shopware5 = "ordersync.channels.shopware5.connector:Shopware5Connector"``.
"""
