"""eBay: orders imported by polling its REST API.

Registered under the ``ordersync.connectors`` entry point (``pyproject.toml``):
``ebay = "ordersync.channels.ebay.connector:EbayConnector"``.
"""
