"""Forwarding rules: forward orders that match (channel, state, SKU, supplier) to a target automatically.

A rule applies to orders that change in the hub after it was made (imported, updated, state set), not to
the whole history: adding a rule never floods a supplier with last year's orders. Older orders are
forwarded by hand (`ordersync forward`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, or_, select

from ..domain import OrderState
from ..domain.timeutil import utcnow
from ..hub import Hub, HubError
from ..store.models import ArticleRow, Connection, OrderItemRow, OrderRow
from ..store.models_messaging import ForwardRule, ForwardTarget, OrderForward
from ..sync import connections
from . import queue, targets

BATCH = 500


@dataclass
class RuleInfo:
    id: int
    target: str
    connection: str | None
    state: str | None
    sku: str | None
    supplier: str | None
    enabled: bool


def add_rule(
    hub: Hub,
    target: str,
    *,
    connection: str | None = None,
    state: str | None = None,
    sku: str | None = None,
    supplier: str | None = None,
    account: str | None = None,
) -> int:
    """Conditions left out match any order; a rule without any forwards every order that changes."""
    try:
        state_id = int(OrderState.parse(state)) if state else None
    except ValueError as exc:
        raise HubError(str(exc)) from None
    with hub.db.session() as s:
        tgt = targets.find(s, hub, target, account)
        conn_id = connections.find(s, hub, connection, account).id if connection else None
        row = ForwardRule(
            account_id=tgt.account_id,
            target_id=tgt.id,
            connection_id=conn_id,
            state=state_id,
            sku=(sku or "").strip() or None,
            supplier=(supplier or "").strip() or None,
            enabled=True,
            created_at=utcnow(),
        )
        s.add(row)
        s.flush()
        return row.id


def list_rules(hub: Hub, account: str | None = None) -> list[RuleInfo]:
    with hub.db.session() as s:
        account_id = hub.account_id(account, s)
        rows = s.execute(
            select(ForwardRule, ForwardTarget.name, Connection.name)
            .join(ForwardTarget, ForwardTarget.id == ForwardRule.target_id)
            .outerjoin(Connection, Connection.id == ForwardRule.connection_id)
            .where(ForwardRule.account_id == account_id)
            .order_by(ForwardRule.id)
        ).all()
        return [
            RuleInfo(
                r.id,
                target,
                conn,
                OrderState(r.state).name_en if r.state is not None else None,
                r.sku,
                r.supplier,
                r.enabled,
            )
            for r, target, conn in rows
        ]


def remove_rule(hub: Hub, rule_id: int, account: str | None = None) -> None:
    with hub.db.session() as s:
        row = s.get(ForwardRule, rule_id)
        if row is None or row.account_id != hub.account_id(account, s):
            raise HubError(f"no forwarding rule with id {rule_id}; see `ordersync forwarding rules list`")
        s.delete(row)


def article_of_item():
    """An item's article: its link, or (not linked yet) the article with its SKU."""
    return or_(
        ArticleRow.id == OrderItemRow.article_id,
        and_(OrderItemRow.article_id.is_(None), OrderItemRow.sku != "", ArticleRow.sku == OrderItemRow.sku),
    )


def set_supplier(hub: Hub, sku: str, supplier: str, account: str | None = None) -> None:
    """Name the supplier of an article (empty to clear), for rules that forward by supplier."""
    with hub.db.session() as s:
        account_id = hub.account_id(account, s)
        art = s.scalar(select(ArticleRow).where(ArticleRow.account_id == account_id, ArticleRow.sku == sku))
        if art is None:
            raise HubError(f"no article with SKU {sku!r}; import articles first (`ordersync articles import NAME`)")
        art.supplier, art.updated_at = supplier.strip()[:100], utcnow()


def _matching(rule: ForwardRule):
    q = select(OrderRow).where(
        OrderRow.account_id == rule.account_id,
        OrderRow.modified_at >= rule.created_at,
        ~exists().where(OrderForward.order_id == OrderRow.id, OrderForward.target_id == rule.target_id),
    )
    if rule.connection_id is not None:
        q = q.where(OrderRow.connection_id == rule.connection_id)
    if rule.state is not None:
        q = q.where(OrderRow.state == rule.state)
    if rule.sku:
        q = q.where(exists().where(OrderItemRow.order_id == OrderRow.id, OrderItemRow.sku == rule.sku))
    if rule.supplier:
        q = q.where(
            exists().where(
                OrderItemRow.order_id == OrderRow.id,
                ArticleRow.account_id == OrderRow.account_id,
                ArticleRow.supplier == rule.supplier,
                article_of_item(),
            )
        )
    return q.order_by(OrderRow.id).limit(BATCH)


def apply_rules(hub: Hub) -> int:
    """Queue a forward for every order that matches an enabled rule and has none to that target yet.
    For the scheduler; safe to run concurrently (the unique (order, target) decides). Returns how many."""
    queued = 0
    with hub.db.session() as s:
        rules = s.scalars(
            select(ForwardRule)
            .join(ForwardTarget, ForwardTarget.id == ForwardRule.target_id)
            .where(ForwardRule.enabled.is_(True), ForwardTarget.enabled.is_(True))
            .order_by(ForwardRule.id)
        ).all()
    for rule in rules:
        with hub.db.session() as s:
            for order in s.scalars(_matching(rule)).all():
                if queue.create(s, order, rule.target_id, f"rule:{rule.id}"):
                    queued += 1
    return queued
