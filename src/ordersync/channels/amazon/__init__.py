"""Amazon: orders imported by polling its REST API.

Registered under the ``ordersync.connectors`` entry point (``pyproject.toml``):
``amazon = "ordersync.channels.amazon.connector:AmazonConnector"``.
"""
