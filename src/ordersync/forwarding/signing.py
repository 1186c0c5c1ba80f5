"""Deprecated (one release): the old ``X-Ordersync-Signature`` of HTTP forwards. The signing recipe lives in
:mod:`ordersync.signing` (Standard Webhooks); these names stay for receivers' code that used them."""

from __future__ import annotations

from ..signing import legacy_timestamp_signature as signature
from ..signing import legacy_verify_timestamp as verify

__all__ = ["signature", "verify"]
