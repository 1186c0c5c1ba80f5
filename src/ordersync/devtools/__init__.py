"""Tools for people who build ordersync itself, e.g. ``ordersync dev new-connector``."""
