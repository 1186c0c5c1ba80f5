"""Magento 2 / Adobe Commerce: orders imported by polling its REST API.

Registered under the ``ordersync.connectors`` entry point (``pyproject.toml``):
``magento2 = "ordersync.channels.magento2.connector:Magento2Connector"``.
"""
