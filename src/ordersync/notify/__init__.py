"""Outgoing webhooks to integrators: subscriptions, events derived from the hub's own records, signed
deliveries retried with backoff, every attempt recorded. The scheduler calls :func:`deliver_due`."""

from .delivery import RETRY_DELAYS, deliver_due, has_due, retry_delay
from .events import EVENT_TYPES
from .fanout import fan_out
from .signing import signature, verify

__all__ = ["EVENT_TYPES", "RETRY_DELAYS", "deliver_due", "fan_out", "has_due", "retry_delay", "signature", "verify"]
