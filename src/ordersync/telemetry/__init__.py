"""What an operator sees of a running hub: the log context (context.py), JSON logs (logs.py), Prometheus
metrics recorded by each process (metrics.py) and read from the database at scrape time (gauges.py), and the
``/metrics`` page (exposition.py).

Importing this package imports nothing: structlog and prometheus_client are loaded by the modules that use
them, which only ``serve``, ``worker`` and the web app import, so the CLI's other commands start without them.
"""
