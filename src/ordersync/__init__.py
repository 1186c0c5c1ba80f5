"""ordersync: a self-hostable order hub for sellers on many channels."""

__version__ = "0.1.0"
