"""The declarative base every table class derives from.

Its own module so that models_accounts.py and models_messaging.py can derive from it without importing
models.py, which imports them at its end to register their tables (that was an import cycle)."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
