"""A page's rows in statements whose text does not grow with the page, on PostgreSQL.

psycopg turns a statement's ``%(name)s`` placeholders into ``$n`` by scanning its text in Python, and keeps
the result only for short statements with few parameters. A page of orders written as a multi-row INSERT
(SQLAlchemy's insertmanyvalues) or looked up with ``IN (...)`` over a hundred values is a new, long text
every page: scanning it was a quarter of the importer's CPU on PostgreSQL, more than SQLite cost in all.
Here each column travels as one array parameter instead (``unnest``, ``= ANY``): the text is the same for
every page, and the values still go through their column types (amounts, UTC datetimes, JSON), so a value
no column takes is refused as before. SQLite keeps the executemany and ``IN`` it has always used.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table, any_, bindparam, func, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Result
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement


def arrays_apply(s: Session) -> bool:
    return s.get_bind().dialect.name == "postgresql"


def among(s: Session, column: Any, values: Iterable) -> ColumnElement[bool]:
    """``column IN values``: on PostgreSQL ``column = ANY(array)``, one parameter however many values."""
    values = list(values)
    if not arrays_apply(s):
        return column.in_(values)
    return column == any_(bindparam(None, values, type_=ARRAY(column.type)))


def _page(table: Table, rows: Sequence[dict], names: list[str]) -> Any:
    """``rows`` as a table of one array per column: ``unnest(...) AS page(name, ...)``."""
    arrays = [bindparam(None, [r[n] for r in rows], type_=ARRAY(table.c[n].type)) for n in names]
    return func.unnest(*arrays).table_valued(*names).render_derived(name="page")


def insert_rows(s: Session, table: Table, rows: Sequence[dict], *returning: Any) -> Result | None:
    """Insert ``rows`` (each with the same keys) in one statement; with ``returning`` columns, their values
    for the new rows (in no promised order: return a key to match them by)."""
    if not rows:
        return None
    if not arrays_apply(s):
        stmt = insert(table).returning(*returning) if returning else insert(table)
        return s.execute(stmt, list(rows))
    names = list(rows[0])
    source = _page(table, rows, names)
    stmt = insert(table).from_select(names, select(*source.c))
    return s.execute(stmt.returning(*returning) if returning else stmt)


def update_rows(s: Session, table: Table, rows: Sequence[dict]) -> None:
    """PostgreSQL only: update each row by its ``id`` to its other values (each row with the same keys) in one
    ``UPDATE ... FROM unnest(...)``. (SQLite's executemany by primary key is as cheap: the caller keeps it.)"""
    if not rows:
        return
    # The rows are locked first, in id order: an UPDATE ... FROM locks them in whatever order its plan visits
    # them, and two transactions writing overlapping pages (a poll and a webhook batch) could deadlock.
    ids = bindparam(None, [r["id"] for r in rows], type_=ARRAY(table.c.id.type))
    s.execute(select(table.c.id).where(table.c.id == any_(ids)).order_by(table.c.id).with_for_update())
    source = _page(table, rows, list(rows[0]))
    s.execute(update(table).where(table.c.id == source.c.id).values({n: source.c[n] for n in rows[0] if n != "id"}))
