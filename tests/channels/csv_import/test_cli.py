"""`ordersync import csv` as a seller runs it."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ordersync.cli import app

GOOD = (
    "Bestellnummer;Datum;Name;Artikel;Menge;Preis\r\n"
    "1;27.11.2026 10:00;Weiß;Tee;2;3,50\r\n1;;;Tasse;1;12,00\r\n2;27.11.2026 11:00;Groß;Tee;1;3,50\r\n"
)
MAP = (
    "order_number=Bestellnummer\ncreated_at=Datum\ninvoice_last_name=Name\nitem_title=Artikel\n"
    "item_quantity=Menge\nitem_unit_price=Preis"
)


@pytest.fixture
def cli(tmp_path, database_url, monkeypatch):
    monkeypatch.setenv("ORDERSYNC_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ORDERSYNC_DATABASE_URL", database_url)
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    run("connections", "add", "csv", "jimdo", "--set", f"column_map={MAP}", "--no-test")
    return run


def test_dry_run_then_import_then_duplicates(cli, tmp_path):
    path = tmp_path / "bestellungen.csv"
    path.write_bytes(GOOD.encode("cp1252"))
    preview = cli("import", "csv", str(path), "--connection", "jimdo", "--dry-run")
    assert "dry run: 2 orders would be imported" in preview and "Weiß" in preview
    assert json.loads(cli("orders", "list", "--json")) == []
    assert "2 orders imported" in cli("import", "csv", str(path), "--connection", "jimdo")
    assert sorted(o["number"] for o in json.loads(cli("orders", "list", "--json"))) == ["1", "2"]
    again = json.loads(cli("import", "csv", str(path), "--connection", "jimdo", "--json"))
    assert again["skipped_duplicates"] == ["1", "2"] and again["created"] == 0


def test_rejected_rows_are_listed_and_the_exit_code_fails(cli, tmp_path):
    path = tmp_path / "kaputt.csv"
    path.write_text(GOOD + "3;morgen;X;Tee;1;1\r\n", encoding="utf-8")
    output = cli("import", "csv", str(path), "--connection", "jimdo", code=1)
    assert "rejected rows" in output and "'morgen' is not a date" in output and "nothing imported" in output
    assert "2 orders imported" in cli("import", "csv", str(path), "--connection", "jimdo", "--skip-invalid")


def test_missing_file_is_one_clear_line(cli, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["import", "csv", str(tmp_path / "nope.csv"), "--connection", "jimdo"])
    assert result.exit_code != 0 and "cannot read" in str(result.exception)
