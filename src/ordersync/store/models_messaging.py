"""Outgoing e-mail (SMTP per account, templates, sent mails) and order forwarding to suppliers."""

from __future__ import annotations

from .models import Base  # noqa: F401
