"""Reconciliation: read a channel's own truth through its connector and show where it and the hub disagree.

Three comparisons per connection, each only where the connector declares the read it needs
(``channels.sdk.reconcile_reads``): the orders of a period (``orders``), the stock figure of every linked
listing against what the hub pushed and would push now (``catalog``), and the channel's products against
the hub's listings (``catalog``, the same read). A run is stored with its differences grouped by kind; the
seller mends them by explicit actions (``mend``). Nothing here changes the channel or the hub by itself,
except that a connection may let missing orders be imported as they are found.

Modules: kinds (the kinds of difference), report (collecting them), orders and catalog (the comparisons),
runs (a run: lease, progress, resuming), mend (the actions), schedule (the daily run per connection).
"""
