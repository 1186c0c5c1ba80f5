"""What connectors hand to the engine: pages of domain objects plus the records they could not map."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from ...domain import Article, Order

T = TypeVar("T")


@dataclass(slots=True)
class Quarantined:
    """A record that failed mapping, kept raw with the reason so nothing is silently dropped."""

    external_id: str
    raw: Any
    reason: str
    hint: str = ""


@dataclass(slots=True)
class Page(Generic[T]):
    """One page of a listing. ``window_total`` is the channel's count of records in the whole query window
    as reported with this page (e.g. X-WP-Total); the engine compares it across pages to notice that the
    window shifted under an offset paginator and re-reads it (see sync.importer)."""

    records: list[T] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    number: int = 1
    total_pages: int | None = None
    window_total: int | None = None


OrderPage = Page[Order]
ArticlePage = Page[Article]


@dataclass(frozen=True, slots=True)
class Window:
    """An import window on the channel's modification time: (since, until]. ``since`` None = everything."""

    since: datetime | None
    until: datetime


@dataclass(frozen=True, slots=True)
class OrderRef:
    external_id: str
    number: str = ""


@dataclass(frozen=True, slots=True)
class WebhookMeta:
    """The verified envelope of a webhook delivery. ``delivery_id`` dedupes redeliveries."""

    delivery_id: str
    topic: str
    resource_id: str = ""
    is_ping: bool = False


@dataclass(frozen=True, slots=True)
class PushResult:
    """Outcome of one outbound effect. ``already_done`` means the channel already showed the effect (we
    checked before creating), which is a success, not an error."""

    ok: bool = True
    already_done: bool = False
    remote_id: str = ""
    detail: str = ""
    #: "accepted, result later" (see sdk.async_push): the platform's job id, this item's position in the
    #: submitted batch, and when to ask for the result
    job_id: str = ""
    job_item: int = 0
    check_after_s: float | None = None

    @classmethod
    def accepted(cls, job_id: str, check_after_s: float | None = None, *, item: int = 0) -> PushResult:
        return cls(ok=True, job_id=job_id, job_item=item, check_after_s=check_after_s)


@dataclass(frozen=True, slots=True)
class ConnectionTestResult:
    ok: bool
    message: str
    details: dict[str, str] = field(default_factory=dict)
