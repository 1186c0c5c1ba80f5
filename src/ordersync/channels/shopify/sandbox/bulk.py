"""Bulk query operations as Shopify runs them: validate, run in the background, publish a JSONL file.

``bulkOperationRunQuery`` checks the inner query against the schema (an invalid one is a ``userErrors`` entry
with code INVALID, as is a query without a connection) and refuses a second operation while one is running
(OPERATION_IN_PROGRESS). The query then runs with connections unsized; the result is flattened into JSON
Lines: every node of a connection is one line, and a node of a nested connection names its parent in
``__parentId``, written right after that parent. The query runs in a background thread; the operation
reports RUNNING for at least ``polls`` polls and until the thread is done, then COMPLETED with ``url`` pointing at the file (served without authentication, like Shopify's signed storage
URLs) - or ``url: null`` when the query matched nothing.
"""

from __future__ import annotations

import itertools
import json
import threading
from typing import Any

from graphql import (
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    execute_sync,
    parse,
    validate,
)

from .data import gid, iso

ACTIVE = ("CREATED", "RUNNING")


def flatten(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The JSONL records of a bulk result: root connection nodes, then each one's nested nodes."""
    lines: list[dict[str, Any]] = []

    def emit(node: dict[str, Any], parent: str | None) -> None:
        own, children = {}, []
        for key, value in node.items():
            if isinstance(value, dict) and "edges" in value:
                children += [e["node"] for e in value["edges"]]
            else:
                own[key] = value
        if parent is not None:
            own["__parentId"] = parent
        lines.append(own)
        for child in children:
            emit(child, node.get("id"))

    for root in data.values():
        for edge in (root or {}).get("edges", []):
            emit(edge["node"], None)
    return lines


class BulkRunner:
    def __init__(self, sandbox: Any, polls: int = 1) -> None:
        self.sandbox, self.polls = sandbox, polls
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)

    def reset(self) -> None:
        self.join()
        with self._lock:
            self.sandbox.store.bulk.clear()
            self.sandbox.store.bulk_files.clear()

    def run(self, query: str, info: Any) -> dict[str, Any]:
        store = self.sandbox.store
        with self._lock:
            if any(op["status"] in ACTIVE for op in store.bulk.values()):
                return self._refused(
                    "A bulk query operation for this app and shop is already in progress.", "OPERATION_IN_PROGRESS"
                )
            try:
                document = parse(query)
            except GraphQLError as exc:
                return self._refused(f"Invalid bulk query: {exc.message}", "INVALID")
            errors = validate(self.sandbox.schema, document)
            if errors:
                return self._refused(f"Invalid bulk query: {errors[0].message}", "INVALID")
            if not self._has_connection(document):
                return self._refused("Bulk queries must contain at least one connection.", "INVALID")
            number = next(self._numbers)
            op: dict[str, Any] = {
                "__typename": "BulkOperation",
                "id": gid("BulkOperation", 3_000_000 + number),
                "status": "CREATED",
                "errorCode": None,
                "createdAt": iso(self.sandbox.now()),
                "completedAt": None,
                "objectCount": "0",
                "rootObjectCount": "0",
                "fileSize": None,
                "url": None,
                "partialDataUrl": None,
                "query": query,
                "type": "QUERY",
                "_polls": self.polls,
                "_file": f"{number}.jsonl",
            }
            context = type(info.context)(
                sandbox=self.sandbox,
                path=info.context.path,
                base_url=info.context.base_url,
                bulk=True,
                version=info.context.version,
            )
            op["_thread"] = threading.Thread(
                target=self._execute, args=(op, document, context), name=f"bulk-{number}", daemon=True
            )
            op["_thread"].start()
            store.bulk[op["id"]] = op
            self.sandbox.ledger.record(
                "bulk.run", method="POST", path=info.context.path, resource_id=op["id"], body={"query": query}
            )
            return {"bulkOperation": op, "userErrors": []}

    def _has_connection(self, document: Any) -> bool:
        fields = self.sandbox.schema.query_type.fields
        return any(
            str(fields[sel.name.value].type).rstrip("!").endswith("Connection")
            for definition in document.definitions
            if isinstance(definition, OperationDefinitionNode)
            for sel in definition.selection_set.selections
            if isinstance(sel, FieldNode) and sel.name.value in fields
        )

    def _execute(self, op: dict[str, Any], document: Any, context: Any) -> None:
        """Run the query in the background, as Shopify does; the result waits in the op until a poll."""
        result = execute_sync(self.sandbox.schema, document, context_value=context)
        if result.errors:
            op["_failed"] = True
            return
        lines = flatten(result.data or {})
        op["_body"] = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines).encode()
        op["_counts"] = (len(lines), sum(1 for line in lines if "__parentId" not in line))
        op["_base"] = context.base_url

    def join(self) -> None:
        """Wait for running operations to finish their work (tests; polls still decide the status)."""
        for op in list(self.sandbox.store.bulk.values()):
            thread = op.get("_thread")
            if thread is not None:
                thread.join()

    @staticmethod
    def _refused(message: str, code: str) -> dict[str, Any]:
        return {"bulkOperation": None, "userErrors": [{"code": code, "field": ["query"], "message": message}]}

    def observe(self, op: dict[str, Any] | None) -> dict[str, Any] | None:
        """A poll: the operation runs for at least ``polls`` looks and until its query has run, then completes
        and publishes its file (or fails)."""
        if op is None or op["status"] not in ACTIVE:
            return op
        with self._lock:
            op["status"] = "RUNNING"
            finished = not op["_thread"].is_alive()
            if op["_polls"] > 0 or not finished:
                op["_polls"] = max(0, op["_polls"] - 1)
                return op
            if op.get("_failed"):
                op.update(status="FAILED", errorCode="INTERNAL_SERVER_ERROR")
                return op
            body = op.pop("_body", b"")
            objects, roots = op.pop("_counts", (0, 0))
            op.update(
                status="COMPLETED",
                completedAt=iso(self.sandbox.now()),
                fileSize=str(len(body)) if body else None,
                objectCount=str(objects),
                rootObjectCount=str(roots),
            )
            if body:
                self.sandbox.store.bulk_files[op["_file"]] = body
                op["url"] = f"{op['_base']}/bulk-results/{op['_file']}"
            return op

    def current(self) -> dict[str, Any] | None:
        ops = list(self.sandbox.store.bulk.values())
        return self.observe(ops[-1]) if ops else None
