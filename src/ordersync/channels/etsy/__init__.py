"""Etsy: orders imported by polling its REST API.

Registered under the ``ordersync.connectors`` entry point (``pyproject.toml``):
``etsy = "ordersync.channels.etsy.connector:EtsyConnector"``.
"""
