"""Helpers for the CSV import tests: a parser config with the defaults of a new connection."""

from __future__ import annotations

import pytest

from ordersync.channels.csv_import.parser import ParserConfig, parse_csv
from ordersync.channels.csv_import.profiles import Mapping
from ordersync.channels.csv_import.values import zone


def config(profile: str = "ordersync", column_map: object = None, status_map: object = None, **options) -> ParserConfig:
    return ParserConfig(
        Mapping.build(profile, column_map, status_map), zone(options.pop("tz", "Europe/Berlin")), **options
    )


def parse(text: str | bytes, **options):
    data = text.encode() if isinstance(text, str) else text
    return parse_csv(data, config(**options))


@pytest.fixture
def parse_text():
    return parse
