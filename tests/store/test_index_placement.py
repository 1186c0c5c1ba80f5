"""Every index is declared in the module that declares its table (issue 17 item 7): whoever reads a table's
class finds its indexes beside it, not in another module that happens to import it."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from ordersync.store import models, models_accounts, models_messaging  # noqa: F401 - every table registered
from ordersync.store.base import Base


def misplaced() -> list[str]:
    classes = {m.local_table.name: m.class_ for m in Base.registry.mappers}
    problems = []
    for table in Base.metadata.tables.values():
        home = inspect.getsourcefile(classes[table.name])
        source = Path(home).read_text(encoding="utf-8")
        for index in table.indexes:
            if (
                index.name
                and not re.search(rf"[\"']{re.escape(index.name)}[\"']", source)
                and not any(c.index for c in index.columns if index.name == f"ix_{table.name}_{c.name}")
            ):
                problems.append(f"{index.name} on {table.name}: not declared in {home}")
    return problems


def test_every_index_is_declared_beside_its_table():
    assert sum(len(t.indexes) for t in Base.metadata.tables.values()) > 30  # the reading works
    assert misplaced() == []


def test_the_check_sees_an_index_declared_elsewhere():
    from sqlalchemy import Index

    table = models.OrderRow.__table__
    stray = Index("ix_orders_declared_elsewhere", table.c.currency)  # as if another module declared it
    try:
        assert misplaced() == [
            f"ix_orders_declared_elsewhere on orders: not declared in {inspect.getsourcefile(models.OrderRow)}"
        ]
    finally:
        table.indexes.discard(stray)
