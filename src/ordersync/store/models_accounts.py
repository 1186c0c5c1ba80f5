"""Users, roles, API keys and integrators' webhook subscriptions (the web app and the REST API)."""

from __future__ import annotations

from .models import Base  # noqa: F401
