"""PrestaShop: orders imported by polling its REST API.

Registered under the ``ordersync.connectors`` entry point (``pyproject.toml``):
``prestashop = "ordersync.channels.prestashop.connector:PrestashopConnector"``.
"""
