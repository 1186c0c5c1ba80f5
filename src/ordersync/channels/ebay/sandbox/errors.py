"""eBay's REST error bodies: ``{"errors": [{errorId, domain, category, message, longMessage, parameters}]}``
[spec: ``Error`` in every contract; the ids are from the contracts' ``x-response-codes`` where they list one]."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse


class EbayError(Exception):
    def __init__(
        self,
        status: int,
        error_id: int,
        message: str,
        *,
        domain: str = "API_FULFILLMENT",
        category: str = "REQUEST",
        long: str = "",
    ) -> None:
        super().__init__(message)
        self.status, self.error_id, self.domain, self.category, self.long = status, error_id, domain, category, long

    def body(self) -> dict[str, Any]:
        return {
            "errors": [
                {
                    "errorId": self.error_id,
                    "domain": self.domain,
                    "category": self.category,
                    "message": str(self),
                    "longMessage": self.long or str(self),
                }
            ]
        }

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status)


def invalid_token() -> EbayError:
    return EbayError(
        401,
        1001,
        "Invalid access token",
        domain="OAuth",
        category="REQUEST",
        long="Invalid access token. Check the value of the Authorization HTTP request header.",
    )


def insufficient_scope() -> EbayError:
    return EbayError(
        403,
        1100,
        "Access denied",
        domain="ACCESS",
        category="REQUEST",
        long="Insufficient permissions to fulfill the request.",
    )


def too_many_requests() -> EbayError:
    return EbayError(
        429,
        2001,
        "Too many requests. The request limit has been reached for the resource.",
        domain="ACCESS",
        category="REQUEST",
    )
