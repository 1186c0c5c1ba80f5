"""Deprecated (one release): the old ``X-Ordersync-Signature`` of integrator webhooks. The signing recipe
lives in :mod:`ordersync.signing` (Standard Webhooks); these names stay for receivers' code that used them."""

from __future__ import annotations

from ..signing import legacy_body_signature as signature
from ..signing import legacy_verify_body as verify

__all__ = ["signature", "verify"]
