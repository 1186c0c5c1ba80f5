"""Shopify's calculated query cost and its leaky bucket, as documented for the GraphQL Admin API.

Cost (shopify.dev, "GraphQL Admin API rate limits"): scalars and enums 0, an object 1, a connection 2 plus
``first`` (or ``last``) times the cost of one node, a mutation 10. Lists of objects sized by a ``first``
argument count like that many objects; unsized lists count once. Interfaces and unions cost the most
expensive selection. The *requested* cost is computed from the document before it runs; the *actual* cost
from the data it returned (connections and lists count the nodes they really hold), and the difference is
refunded to the bucket.

Bucket (``CostBucket``): a request is admitted only if the bucket holds its requested cost, otherwise it is
THROTTLED and nothing runs; a single query may not request more than ``max_query_cost`` (1 000) points.
Defaults follow the Standard plan: restore 100 points/s (VENDOR-FACTS 2.1), bucket 2 000 (the
``maximumAvailable`` Shopify reports with that rate; configurable, as the docs have changed over time).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    value_from_ast,
)

MUTATION_COST = 10


def _strip(type_: Any) -> tuple[Any, bool]:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList):
        inner = type_.of_type
        return (inner.of_type if isinstance(inner, GraphQLNonNull) else inner), True
    return type_, False


class Coster:
    """Requested and actual cost of one operation of a parsed document."""

    def __init__(self, schema: GraphQLSchema, document: Any, variables: dict[str, Any] | None) -> None:
        self.schema, self.variables = schema, variables or {}
        self.fragments = {d.name.value: d for d in document.definitions if d.kind == "fragment_definition"}

    def _fields(self, selection_set: Any, parent: Any) -> list[tuple[FieldNode, Any]]:
        out: list[tuple[FieldNode, Any]] = []
        for sel in selection_set.selections if selection_set else ():
            if isinstance(sel, FieldNode):
                out.append((sel, parent))
            else:
                frag = sel if isinstance(sel, InlineFragmentNode) else self.fragments.get(sel.name.value)
                if frag is None:
                    continue
                cond = frag.type_condition
                target = self.schema.get_type(cond.name.value) if cond else parent
                out += self._fields(frag.selection_set, target)
        return out

    def _arg(self, node: FieldNode, field: Any, name: str) -> Any:
        for arg in node.arguments or ():
            if arg.name.value == name and name in field.args:
                return value_from_ast(arg.value, field.args[name].type, self.variables)
        return None

    def cost(self, selection_set: Any, parent: Any, data: Any = None, actual: bool = False) -> int:
        total = 0
        for node, owner in self._fields(selection_set, parent):
            name = node.name.value
            if name.startswith("__") or not hasattr(owner, "fields") or name not in owner.fields:
                continue
            field = owner.fields[name]
            key = node.alias.value if node.alias else name
            value = data.get(key) if isinstance(data, dict) else None
            if actual and isinstance(data, dict) and key in data and value is None:
                continue
            total += self._field(node, field, value, actual)
        return total

    def _field(self, node: FieldNode, field: Any, value: Any, actual: bool) -> int:
        type_, is_list = _strip(field.type)
        if isinstance(type_, GraphQLScalarType | GraphQLEnumType):
            return 0
        if type_.name.endswith("Connection") and not is_list:
            size = self._arg(node, field, "first") or self._arg(node, field, "last") or 0
            node_type = self.schema.get_type(type_.name[: -len("Connection")])
            inner = self._node_selection(node)
            if actual:
                nodes = [e.get("node") for e in (value or {}).get("edges", [])] or (value or {}).get("nodes", [])
                return 2 + sum(1 + self.cost(inner, node_type, n, True) for n in nodes)
            return 2 + size * (1 + self.cost(inner, node_type))
        one = 1 if isinstance(type_, GraphQLObjectType) else 0
        if isinstance(type_, GraphQLInterfaceType | GraphQLUnionType):
            one = 1
        if is_list:
            if actual:
                return sum(one + self.cost(node.selection_set, type_, v, True) for v in value or ())
            size = self._arg(node, field, "first") or 1
            return size * (one + self.cost(node.selection_set, type_))
        return one + self.cost(node.selection_set, type_, value, actual)

    def _node_selection(self, node: FieldNode) -> Any:
        """The selection of one node: ``edges { node { … } }`` or ``nodes { … }``."""
        selections: list[Any] = []
        for sel in node.selection_set.selections if node.selection_set else ():
            if isinstance(sel, FieldNode) and sel.name.value == "nodes" and sel.selection_set:
                selections += sel.selection_set.selections
            if isinstance(sel, FieldNode) and sel.name.value == "edges" and sel.selection_set:
                for inner in sel.selection_set.selections:
                    if isinstance(inner, FieldNode) and inner.name.value == "node" and inner.selection_set:
                        selections += inner.selection_set.selections
        return SelectionSetNode(selections=tuple(selections))

    def requested(self, operation: OperationDefinitionNode) -> int:
        if operation.operation.value == "mutation":
            return MUTATION_COST * max(1, len(operation.selection_set.selections))
        return self.cost(operation.selection_set, self.schema.query_type)

    def actual(self, operation: OperationDefinitionNode, data: Any) -> int:
        if operation.operation.value == "mutation":
            return self.requested(operation)
        return self.cost(operation.selection_set, self.schema.query_type, data or {}, True)


class CostBucket:
    """The leaky bucket of one app on one shop: ``take`` admits or refuses, ``refund`` returns the excess."""

    def __init__(
        self,
        size: float = 2000,
        restore_rate: float = 100,
        max_query_cost: int = 1000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.size, self.restore_rate, self.max_query_cost = float(size), float(restore_rate), max_query_cost
        self._clock = clock
        self._lock = threading.Lock()
        self._available = self.size
        self._stamp = clock()
        #: (monotonic time, "charged" | "throttled" | "max_cost", points) for the benchmark's figures
        self.meter: list[tuple[float, str, float]] = []

    def record(self, kind: str, points: float = 0.0) -> None:
        with self._lock:
            self.meter.append((self._clock(), kind, points))

    def _refill(self) -> None:
        now = self._clock()
        self._available = min(self.size, self._available + (now - self._stamp) * self.restore_rate)
        self._stamp = now

    def take(self, cost: int) -> bool:
        with self._lock:
            self._refill()
            if self._available < cost:
                return False
            self._available -= cost
            return True

    def refund(self, amount: float) -> None:
        with self._lock:
            self._refill()
            self._available = min(self.size, self._available + max(0.0, amount))

    def status(self) -> dict[str, float]:
        with self._lock:
            self._refill()
            return {
                "maximumAvailable": self.size,
                "currentlyAvailable": round(self._available, 1),
                "restoreRate": self.restore_rate,
            }

    def reset(self) -> None:
        with self._lock:
            self._available, self._stamp = self.size, self._clock()
