"""A made-up marketplace on loopback that notifies the way eBay and JWT-signing platforms do: public keys by
key id (eBay's getPublicKey shape), a JWKS document, signed deliveries, and a notification queue the hub
reads and acknowledges. Built on the SDK's sandbox kit; it imports nothing from the test connectors.

Routes: ``GET /commerce/notification/v1/public_key/{kid}``, ``GET /jwks.json``, ``GET /orders?since=ISO``,
``POST /queue/receive {"max": n}`` (messages stay in flight until acknowledged; ``requeue()`` hands the
unacknowledged ones out again, as a visibility timeout would), ``POST /queue/ack {"receipts": [...]}``.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ordersync.channels.sdk.sandbox import Sandbox

TOKEN = "verify_" + "0123456789abcdef" * 3  # 55 characters of the allowed alphabet


class NotifyMarket(Sandbox):
    system = "notifymarket"

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self.ec_keys: dict[str, ec.EllipticCurvePrivateKey] = {}
        self.jwt_keys: dict[str, ec.EllipticCurvePrivateKey] = {}
        self.reset_data()

    # data ----------------------------------------------------------------------------------------
    def reset_data(self) -> None:
        with self._lock:
            self.orders: dict[str, dict[str, Any]] = {}
            self.queue: dict[str, dict[str, Any]] = {}  # receipt -> message, waiting
            self.in_flight: dict[str, dict[str, Any]] = {}
            self._ids = itertools.count(1001)
            self._receipts = itertools.count(1)
        self.ec_keys = {"k1": ec.generate_private_key(ec.SECP256R1())}
        self.jwt_keys = {"j1": ec.generate_private_key(ec.SECP256R1())}

    def settings_for(self, base_url: str) -> dict[str, Any]:
        return {"api_url": base_url, "verification_token": TOKEN}

    def control_orders(self, body: dict[str, Any]) -> dict[str, Any]:
        created = [
            self.create_order(enqueue=bool(body.get("enqueue", True)))["id"] for _ in range(int(body.get("create", 1)))
        ]
        return {"created": created}

    def create_order(self, *, enqueue: bool = True) -> dict[str, Any]:
        now = datetime.now(UTC).isoformat()
        with self._lock:
            oid = str(next(self._ids))
            order = {
                "orderId": oid,
                "status": "PAID",
                "currency": "EUR",
                "total": "19.90",
                "created": now,
                "modified": now,
                "title": "Becher",
            }
            self.orders[oid] = order
            if enqueue:
                receipt = f"r{next(self._receipts)}"
                self.queue[receipt] = {"messageId": f"m-{oid}", "receipt": receipt, "order": order}
        return {"id": oid, **order}

    def requeue(self) -> int:
        """Unacknowledged messages become visible again (their visibility timeout ran out)."""
        with self._lock:
            n = len(self.in_flight)
            self.queue.update(self.in_flight)
            self.in_flight.clear()
            return n

    # the sender's side: what the platform would send -------------------------------------------
    def notification(self, order_id: str, *, published: datetime | None = None) -> bytes:
        published = published or datetime.now(UTC)
        body = {
            "metadata": {"topic": "ORDER_CHANGED", "schemaVersion": "1.0"},
            "notification": {
                "notificationId": f"n-{order_id}-{published.timestamp()}",
                "publishDate": published.isoformat().replace("+00:00", "Z"),
                "data": {"order": self.orders[order_id]},
            },
        }
        return json.dumps(body, separators=(",", ":")).encode()

    def ebay_signature(self, body: bytes, kid: str = "k1", *, key: ec.EllipticCurvePrivateKey | None = None) -> str:
        signer = key or self.ec_keys[kid]
        signature = base64.b64encode(signer.sign(body, ec.ECDSA(hashes.SHA1()))).decode()
        envelope = {"alg": "ecdsa", "kid": kid, "signature": signature, "digest": "SHA1"}
        return base64.b64encode(json.dumps(envelope).encode()).decode()

    def jwt_token(
        self, claims: dict[str, Any], kid: str = "j1", *, key: ec.EllipticCurvePrivateKey | None = None
    ) -> str:
        return jwt.encode(claims, key or self.jwt_keys[kid], algorithm="ES256", headers={"kid": kid})

    def rotate_ec_key(self, kid: str) -> None:
        self.ec_keys[kid] = ec.generate_private_key(ec.SECP256R1())

    # routes --------------------------------------------------------------------------------------
    def routes(self) -> list[Any]:
        return [
            Route("/commerce/notification/v1/public_key/{kid}", self._public_key),
            Route("/jwks.json", self._jwks),
            Route("/orders", self._orders),
            Route("/queue/receive", self._receive, methods=["POST"]),
            Route("/queue/ack", self._ack, methods=["POST"]),
        ]

    async def _public_key(self, request: Request) -> Response:
        key = self.ec_keys.get(request.path_params["kid"])
        if key is None:
            return JSONResponse(
                {"errors": [{"errorId": 195001, "message": "The specified key id is invalid."}]}, status_code=404
            )
        der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        pem = "-----BEGIN PUBLIC KEY-----" + base64.b64encode(der).decode() + "-----END PUBLIC KEY-----"
        return JSONResponse({"algorithm": "ECDSA", "digest": "SHA1", "key": pem})

    async def _jwks(self, request: Request) -> Response:
        keys = []
        for kid, key in self.jwt_keys.items():
            jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
            keys.append({**jwk, "kid": kid, "alg": "ES256", "use": "sig"})
        return JSONResponse({"keys": keys})

    async def _orders(self, request: Request) -> Response:
        since = request.query_params.get("since")
        with self._lock:
            rows = [o for o in self.orders.values() if not since or o["modified"] > since]
        return JSONResponse({"orders": sorted(rows, key=lambda o: o["modified"])})

    async def _receive(self, request: Request) -> Response:
        limit = int((await request.json()).get("max", 10))
        with self._lock:
            taken = list(self.queue.items())[:limit]
            for receipt, message in taken:
                del self.queue[receipt]
                self.in_flight[receipt] = message
        return JSONResponse({"messages": [m for _, m in taken]})

    async def _ack(self, request: Request) -> Response:
        receipts = (await request.json()).get("receipts", [])
        with self._lock:
            acked = [r for r in receipts if self.in_flight.pop(r, None) is not None]
        for receipt in acked:
            self.ledger.record("queue.ack", method="POST", path="/queue/ack", resource_id=receipt)
        return JSONResponse({"acknowledged": len(acked)})


def later(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)
