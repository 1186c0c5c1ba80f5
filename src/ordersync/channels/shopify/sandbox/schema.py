"""The sandbox's schema: ordersync's own subset of Shopify's Admin API, built once per process."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from graphql import GraphQLSchema, build_schema

SDL = Path(__file__).with_name("schema.graphql")


@cache
def load_schema() -> GraphQLSchema:
    """Parsed fresh per process and shared: resolvers are not attached to it (see resolvers.py)."""
    return build_schema(SDL.read_text(encoding="utf-8"))
