"""The PrestaShop webservice as the vendor documents it, on the SDK's sandbox kit (ledger, request log, faults and the
control API at ``/_sandbox``).

Auth: the webservice key (32 characters) as the HTTP Basic user with an empty password, or ``ws_key`` in the query.
Errors come in PrestaShop's format, ``{"errors": [{"code": 20, "message": "..."}]}`` in JSON or
``<prestashop><errors><error><code/><message/></error></errors></prestashop>`` in XML, with its codes (16 no key,
17 empty, 18 not 32 characters, 20 not active + 21 no permission; per resource, ``granted``: 26 a resource the key
may not read, 405 with 25 a method it may not use; 27 an unknown resource; an unknown id is a 404 with an empty
body).

Reads: ``GET /api/<resource>`` (filters, sort, limit, display: see ``query``) and ``GET /api/<resource>/<id>``, in
XML unless ``output_format=JSON`` or the ``Output-Format: JSON`` header asks for JSON. A listing with no hit
answers ``[]`` in JSON, not ``{"orders": []}`` (PrestaShop issues #10172, #22760). Ids are numbers, all other
values texts; multilingual fields are ``[{"id": 1, "value": ...}]``.

Writes take XML only (PrestaShop reads no JSON bodies, issue #11099): ``POST /api/order_histories`` (changes the
order's ``current_state``), ``PUT /api/order_carriers/<id>``, ``PUT /api/stock_availables/<id>``, ``POST
/api/customer_threads``, ``POST /api/customer_messages``. ``?sendemail=1`` on an order_history asks for the state's
e-mail to the buyer (kept in the ledger entry's ``changes``). The XML's element names are checked against
``schema.FIELDS``; PUT replaces the object and wants its required fields and its id.

Control (``POST /_sandbox/orders``): ``{"create": N}`` places N orders now; ``{"update": [{"id": 7,
"current_state": "4"}]}`` changes orders (``date_upd`` becomes now); ``{"delete": [7]}`` removes them;
``{"raw_rows": {"7": [...]}}`` replaces an order's rows exactly as given (malformed ones too).
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from typing import Any

from lxml import etree
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ordersync.channels.sdk import xml as safe_xml
from ordersync.channels.sdk.sandbox import FaultRule, Sandbox

from .conformance import PrestashopConformance
from .query import QueryError, display, select
from .schema import FIELDS, LANGUAGE_FIELDS, REQUIRED, SINGULAR
from .store import Store, now_text

XLINK = "http://www.w3.org/1999/xlink"
REALM = (
    'Basic realm="Welcome to PrestaShop Webservice, please enter the authentication key as the login. '
    'No password required."'
)
WRITES = {
    ("POST", "order_histories"),
    ("PUT", "order_carriers"),
    ("PUT", "stock_availables"),
    ("POST", "customer_threads"),
    ("POST", "customer_messages"),
}


class WebserviceError(Exception):
    def __init__(self, status: int, *errors: tuple[int, str], headers: dict[str, str] | None = None) -> None:
        super().__init__(errors[0][1])
        self.status, self.errors, self.headers = status, errors, headers or {}


def wants_json(request: Request) -> bool:
    return (
        request.query_params.get("output_format", "").upper() == "JSON"
        or request.headers.get("output-format", "").upper() == "JSON"
    )


def _xml_response(root: etree._Element, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        etree.tostring(root, xml_declaration=True, encoding="UTF-8"), status, headers, media_type="text/xml"
    )


def _json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status, headers, media_type="application/json")


def _named(table: dict[int, dict[str, Any]], ids: str) -> list[dict[str, Any]] | None:
    """The records a ``filter[id]=[a|b|…]`` can match, taken by id as the shop's primary key would (the filter
    is still applied by ``select``); None for any other filter, which scans the table."""
    inner = ids[1:-1] if ids.startswith("[") and ids.endswith("]") else ""
    parts = inner.split("|")
    if not inner or not all(p.isdigit() for p in parts):
        return None
    return [table[n] for n in sorted({int(p) for p in parts}) if n in table]


def error_response(exc: WebserviceError, as_json: bool) -> Response:
    headers = {"PSWS-Version": "8.1.0", **exc.headers}
    if as_json:
        return _json_response({"errors": [{"code": c, "message": m} for c, m in exc.errors]}, exc.status, headers)
    root = etree.Element("prestashop", nsmap={"xlink": XLINK})
    errors = etree.SubElement(root, "errors")
    for code, message in exc.errors:
        error = etree.SubElement(errors, "error")
        etree.SubElement(error, "code").text = etree.CDATA(str(code))
        etree.SubElement(error, "message").text = etree.CDATA(message)
    return _xml_response(root, exc.status, headers)


class PrestashopSandbox(PrestashopConformance, Sandbox):
    system = "prestashop"

    def __init__(self, *, seed: int = 1, orders: int = 50, **kit: Any) -> None:
        super().__init__(**kit)
        self.seed, self.count = seed, orders
        self.key = hashlib.sha256(f"prestashop-sandbox-{seed}".encode()).hexdigest()[:32].upper()
        self._lock = threading.RLock()
        #: a shop whose sorted lists all come back empty with 200 (seen on a PrestaShop 9 deployment [3p])
        self.sort_broken = False
        #: what the key may do per resource (the back office's permission table); tests take rights away
        self.granted: dict[str, set[str]] = {r: {"GET", "HEAD"} | {m for m, w in WRITES if w == r} for r in FIELDS}
        self.reset_data()

    def reset_data(self) -> None:
        with self._lock:
            self.store = Store(self.seed, self.count)

    def settings_for(self, base_url: str) -> dict[str, Any]:
        return {"base_url": base_url, "api_key": self.key, "timezone": "Europe/Berlin"}

    def fault_response(self, rule: FaultRule) -> tuple[int, dict[str, str], bytes]:
        message = "Too Many Requests" if rule.status == 429 else "Internal error (injected)"
        headers = {"content-type": "application/json"}
        if rule.status == 429 or rule.retry_after is not None:
            headers["Retry-After"] = str(rule.retry_after if rule.retry_after is not None else 1)
        return rule.status, headers, json.dumps({"errors": [{"code": 0, "message": message}]}).encode()

    # routes --------------------------------------------------------------------------------------
    def routes(self) -> list[Any]:
        return [
            Route("/api/{resource}", self._endpoint, methods=["GET", "POST", "PUT"]),
            Route("/api/{resource}/{ident}", self._endpoint, methods=["GET", "POST", "PUT"]),
        ]

    async def _endpoint(self, request: Request) -> Response:
        as_json = wants_json(request)
        try:
            self._authenticate(request)
            resource = request.path_params["resource"]
            if resource not in FIELDS:
                raise WebserviceError(400, (27, f'Resource of type "{resource}" does not exists'))
            if request.method not in self.granted.get(resource, ()):
                if request.method == "GET":
                    raise WebserviceError(
                        401, (26, f'Resource of type "{resource}" is not allowed with this authentication key')
                    )
                raise WebserviceError(
                    405,
                    (
                        25,
                        f"Method {request.method} is not allowed for the resource "
                        f"{resource} with this authentication key",
                    ),
                )
            ident = request.path_params.get("ident")
            if request.method == "GET":
                return self._read(request, resource, ident, as_json)
            body = await request.body()
            return self._write(
                request.method, resource, ident, body, as_json, request.query_params.get("sendemail") == "1"
            )
        except QueryError as exc:
            return error_response(WebserviceError(400, (exc.code, str(exc))), as_json)
        except WebserviceError as exc:
            if exc.status == 404:  # an unknown id: PrestaShop answers 404 with an empty body [3p]
                return Response(b"", 404, {"PSWS-Version": "8.1.0"})
            return error_response(exc, as_json)

    def _authenticate(self, request: Request) -> None:
        key = request.query_params.get("ws_key")
        header = request.headers.get("authorization", "")
        if key is None and header.lower().startswith("basic "):
            try:
                key = base64.b64decode(header[6:]).decode().partition(":")[0]
            except (ValueError, UnicodeDecodeError):
                key = ""
        ask = {"WWW-Authenticate": REALM}
        if key is None:
            raise WebserviceError(
                401, (16, "Please enter the authentication key as the login. No password required"), headers=ask
            )
        key = key.strip()
        if not key:
            raise WebserviceError(401, (17, "Authentication key is empty"), headers=ask)
        if len(key) != 32:
            raise WebserviceError(401, (18, "Invalid authentication key format"), headers=ask)
        if key != self.key:
            raise WebserviceError(
                401,
                (20, "Authentification key is not active"),
                (21, "No permission for this authentication key"),
                headers=ask,
            )

    # reads ---------------------------------------------------------------------------------------
    def _read(self, request: Request, resource: str, ident: str | None, as_json: bool) -> Response:
        fields = FIELDS[resource]
        with self._lock:
            if ident is not None:
                record = self.store.tables[resource].get(int(ident)) if ident.isdigit() else None
                if record is None:
                    raise WebserviceError(404, (87, f'Object with id "{ident}" does not exist'))
                shown = self._shape(resource, record, None)
                return (
                    _json_response({SINGULAR[resource]: shown})
                    if as_json
                    else _xml_response(self._xml_tree(resource, [shown], single=True))
                )
            query = dict(request.query_params)
            wanted = display(query, fields)
            table = self.store.tables[resource]
            hits = select(_named(table, query.get("filter[id]", "")) or list(table.values()), query, fields)
            if self.sort_broken and "sort" in query:
                hits = []
            rows = [self._shape(resource, r, wanted) for r in hits]
            if resource == "orders" and hits and self.faults.take("page_drift", "GET", request.url.path):
                hits[0]["date_upd"] = now_text()  # changed just now: it leaves the queried window
        if as_json:
            return _json_response({resource: rows} if rows else [])
        return _xml_response(self._xml_tree(resource, rows, single=False))

    def _shape(self, resource: str, record: dict[str, Any], wanted: tuple[str, ...] | None) -> dict[str, Any]:
        names = FIELDS[resource] if wanted is None else wanted
        shown: dict[str, Any] = {}
        for name in names:
            if name == "associations":
                continue
            value = record.get(name, "")
            if name in LANGUAGE_FIELDS.get(resource, ()):
                value = [{"id": 1, "value": value}]
            shown[name] = value
        if resource == "orders" and (wanted is None or "associations" in wanted):
            shown["associations"] = {"order_rows": self.store.order_rows(int(record["id"]))}
        return shown

    def _xml_tree(self, resource: str, rows: list[dict[str, Any]], *, single: bool) -> etree._Element:
        root = etree.Element("prestashop", nsmap={"xlink": XLINK})
        parent = root if single else etree.SubElement(root, resource)
        for row in rows:
            element = etree.SubElement(parent, SINGULAR[resource])
            _fill_xml(element, row)
        return root

    # writes --------------------------------------------------------------------------------------
    def _write(
        self, method: str, resource: str, ident: str | None, body: bytes, as_json: bool, send_email: bool = False
    ) -> Response:
        if (method, resource) not in WRITES or (method == "PUT") != (ident is not None):
            raise WebserviceError(405, (25, f"Method {method} is not allowed for the resource {resource}"))
        fields = self._parse_body(resource, body)
        missing = [name for name in REQUIRED[resource] if not fields.get(name, "").strip()]
        if missing:
            raise WebserviceError(400, (41, f'parameter "{missing[0]}" required'))
        with self._lock:
            table = self.store.tables[resource]
            if ident is not None:  # a PUT (checked above)
                if fields["id"] != ident or int(ident) not in table:
                    raise WebserviceError(
                        400 if int(ident) in table else 404,
                        (90, f"id is invalid or does not match the URL (id {fields['id']!r})"),
                    )
                record = table[int(ident)]
                changes = {k: v for k, v in fields.items() if k != "id" and record.get(k) != v}
                record.update({k: v for k, v in fields.items() if k != "id"})
                self._after_put(resource, record, changes, body)
                status = 200
            else:
                record = self._create(resource, fields, body, send_email)
                status = 201
            shown = self._shape(resource, record, None)
        if as_json:
            return _json_response({SINGULAR[resource]: shown}, status)
        return _xml_response(self._xml_tree(resource, [shown], single=True), status)

    def _parse_body(self, resource: str, body: bytes) -> dict[str, str]:
        try:
            root = safe_xml.parse(body)
        except ValueError as exc:
            raise WebserviceError(400, (127, f"XML error : {exc}")) from None
        children = list(root)
        if (
            safe_xml.local(root.tag) != "prestashop"
            or len(children) != 1
            or safe_xml.local(children[0].tag) != SINGULAR[resource]
        ):
            raise WebserviceError(400, (127, f"XML error : expected <prestashop><{SINGULAR[resource]}>"))
        fields = {}
        for node in children[0]:
            name = safe_xml.local(node.tag)
            if name not in FIELDS[resource]:
                raise WebserviceError(
                    400, (127, f'XML error : the field "{name}" does not exist in {SINGULAR[resource]}')
                )
            fields[name] = (node.text or "").strip()
        return fields

    def _create(self, resource: str, fields: dict[str, str], body: bytes, send_email: bool) -> dict[str, Any]:
        tables, now = self.store.tables, now_text()
        ident = self.store.next_id(resource)
        record = {name: fields.get(name, "") for name in FIELDS[resource]} | {"id": ident}
        if resource == "order_histories":
            order = tables["orders"].get(int(fields["id_order"])) if fields["id_order"].isdigit() else None
            if (
                order is None
                or not fields["id_order_state"].isdigit()
                or int(fields["id_order_state"]) not in tables["order_states"]
            ):
                raise WebserviceError(400, (0, "id_order or id_order_state does not exist"))
            record.update(date_add=now, id_employee=fields.get("id_employee") or "0")
            order.update(current_state=fields["id_order_state"], date_upd=now)
            self.ledger.record(
                "order_history.create",
                method="POST",
                path="/api/order_histories",
                resource_id=order["id"],
                body=body.decode(),
                changes={"current_state": fields["id_order_state"], "sendemail": send_email},
            )
        elif resource == "customer_threads":
            order_id = fields.get("id_order", "")
            if order_id and (not order_id.isdigit() or int(order_id) not in tables["orders"]):
                raise WebserviceError(400, (0, f"id_order {order_id} does not exist"))
            record.update(date_add=now, date_upd=now)
            self.ledger.record(
                "customer_thread.create",
                method="POST",
                path="/api/customer_threads",
                resource_id=order_id,
                body=body.decode(),
            )
        else:  # customer_messages
            thread = (
                tables["customer_threads"].get(int(fields["id_customer_thread"]))
                if fields["id_customer_thread"].isdigit()
                else None
            )
            if thread is None:
                raise WebserviceError(400, (0, "id_customer_thread does not exist"))
            record.update(date_add=now, date_upd=now, read="0", private=fields.get("private") or "0")
            thread["date_upd"] = now
            self.ledger.record(
                "customer_message.create",
                method="POST",
                path="/api/customer_messages",
                resource_id=thread["id_order"],
                body=body.decode(),
                changes={"message": fields["message"]},
            )
        tables[resource][ident] = record
        return record

    def _after_put(self, resource: str, record: dict[str, Any], changes: dict[str, str], body: bytes) -> None:
        kind = f"{SINGULAR[resource]}.update"
        self.ledger.record(
            kind,
            method="PUT",
            path=f"/api/{resource}/{record['id']}",
            resource_id=record["id"],
            body=body.decode(),
            changes=changes,
        )

    # control -------------------------------------------------------------------------------------
    def control_orders(self, body: dict[str, Any]) -> dict[str, Any]:
        created, updated, deleted = [], [], []
        with self._lock:
            orders = self.store.tables["orders"]
            create = body.get("create", 0)
            for _ in range(create if isinstance(create, int) else len(create)):
                created.append(self.store.add_order(seconds_ago=float(body.get("seconds_ago", 0))))
            for change in body.get("update", []):
                ident = int(change["id"])
                if ident not in orders:
                    raise LookupError(f"no order with id {ident}")
                orders[ident].update(
                    {
                        "date_upd": now_text(float(body.get("seconds_ago", 0))),
                        **{k: v for k, v in change.items() if k != "id"},
                    }
                )
                updated.append(ident)
            for ident in body.get("delete", []):
                if orders.pop(int(ident), None) is None:
                    raise LookupError(f"no order with id {ident}")
                deleted.append(int(ident))
            for ident, rows in (body.get("raw_rows") or {}).items():
                self.store.raw_rows[int(ident)] = rows
        return {"created": created, "updated": updated, "deleted": deleted}


def _fill_xml(element: etree._Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, list) and key != "associations":
                child = etree.SubElement(element, key)
                for entry in item:
                    if isinstance(entry, dict) and set(entry) == {"id", "value"}:
                        lang = etree.SubElement(child, "language", id=str(entry["id"]))
                        lang.text = etree.CDATA(str(entry["value"]))
                    else:
                        _fill_xml(etree.SubElement(child, key.rstrip("s") or key), entry)
            else:
                _fill_xml(etree.SubElement(element, key), item)
    else:
        element.text = etree.CDATA("" if value is None else str(value))
