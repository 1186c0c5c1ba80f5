"""The contract between a channel and the engine.

A connector translates between one channel's API and domain objects. It never touches the database: the
engine gives it settings and connection state, and it gives back pages, verified webhooks and push results.
Capabilities it lacks raise NotImplementedError and are not declared; the engine only calls what is
declared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ...domain import LineCancellation, OrderState, Shipment, StockUpdate
from .async_push import AsyncPush, JobOutcome, PushJob
from .capabilities import Capability, CapabilityDecl
from .guide import GuideStep
from .reconcile_reads import ReconcileReads
from .records import (
    ArticlePage,
    ConnectionTestResult,
    OrderPage,
    OrderRef,
    PushResult,
    WebhookMeta,
    Window,
)
from .settings import SettingsSchema
from .webhook_reconcile import WebhookHealth

#: the updates of one push kind the engine hands a connector at once unless it declares ``push_batches``
DEFAULT_PUSH_BATCH = 500


@dataclass(slots=True)
class ConnectorContext:
    """What the engine tells a connector about the connection it serves.

    ``state`` is the connection's own persisted state (e.g. ids of registered webhooks, a webhook secret);
    the connector may change it in register/unregister calls and the engine saves it afterwards.
    """

    connection_id: int = 0
    webhook_url: str = ""
    state: dict[str, Any] = field(default_factory=dict)
    #: where OAuth 2 tokens live (an ``sdk.oauth2.TokenStore``; the engine's is encrypted and shared by all
    #: workers); None outside the engine, where ``oauth_auth`` keeps them in memory
    tokens: Any = None
    #: the reference of the asynchronous submission in progress (see sdk.async_push): sent along with it
    push_reference: str = ""
    #: ``erase_buyer(buyer_id, reason) -> orders changed``: erases a buyer's personal data from this
    #: connection's stored orders when the channel relays the buyer's request (e.g. an account deletion);
    #: the engine sets it while it processes webhook deliveries, None elsewhere
    erase_buyer: Callable[[str, str], int] | None = None


class Connector:
    system: ClassVar[str]
    display_name: ClassVar[str]
    group: ClassVar[str]  # "marketplace" | "shop" | "erp" | "files"
    capabilities: ClassVar[tuple[CapabilityDecl, ...]]
    settings_schema: ClassVar[SettingsSchema]
    guide: ClassVar[tuple[GuideStep, ...]]
    #: "module:function" returning a sandbox for ``ordersync sandbox SYSTEM`` (see sdk.sandbox)
    sandbox_factory: ClassVar[str] = ""
    #: default seconds between polls
    poll_interval: ClassVar[int] = 60
    #: the channel lowers (and restores) its own stock for its orders, so the hub must not push the
    #: stock change an order of this channel caused back to it (invariant 4)
    adjusts_own_stock: ClassVar[bool] = False
    #: a GET handshake on the webhook address (sdk.webhook_reply.HashChallenge); None: GET answers 405
    webhook_challenge: ClassVar[Any] = None
    #: the reply to an accepted delivery when the channel wants another (sdk.webhook_reply.WebhookReply)
    webhook_reply: ClassVar[Any] = None
    #: notifications come from a queue the hub polls, not from webhooks (sdk.pull_queue.PullQueue)
    notification_queue: ClassVar[Any] = None
    #: OAuth 2 of the platform (``sdk.oauth2.OAuth2``), or None when it uses keys or passwords
    oauth: ClassVar[Any] = None
    #: pushes the platform answers "accepted, result later" (feeds, bulk jobs); None: every push is final
    async_push: ClassVar[AsyncPush | None] = None
    #: which of the import's reads a reconciliation may compare against (sdk.reconcile_reads); None: none
    reconcile_reads: ClassVar[ReconcileReads | None] = None
    #: push kind -> the most updates one call takes, where the channel's bulk route takes more (or fewer)
    #: than DEFAULT_PUSH_BATCH, e.g. ``{"stock": 25_000}`` for a feed of that many messages; the engine
    #: fills such a batch beyond its per-round limit, so a burst leaves in as few submissions as possible
    push_batches: ClassVar[Mapping[str, int]] = {}
    #: push kinds the platform must never receive twice and cannot be asked about afterwards (Amazon's buyer
    #: messages: nothing lists what was sent). A send whose outcome is unknown (timeout, 5xx, a worker killed
    #: mid-send) is not retried but left as a dead letter saying so, for the seller to check on the platform;
    #: only a definite refusal (4xx, 429) counts as not sent and is retried as usual
    at_most_once: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, settings: Mapping[str, Any], context: ConnectorContext | None = None) -> None:
        self.settings = dict(settings)
        self.context = context or ConnectorContext()

    @classmethod
    def supports(cls, capability: Capability) -> bool:
        return any(d.capability is capability for d in cls.capabilities)

    def oauth_auth(self) -> Any:
        """The authenticator for ``ChannelHTTP(..., auth=self.oauth_auth())`` from the ``oauth`` declaration."""
        from .oauth2_auth import OAuth2Auth

        return OAuth2Auth(self.oauth, self.settings, self.context.tokens)

    @classmethod
    def push_batch(cls, kind: str) -> int:
        """How many entries of ``kind`` the engine hands one call (``push_stock``) at most."""
        return max(1, int(cls.push_batches.get(kind, DEFAULT_PUSH_BATCH)))

    @classmethod
    def ships_item_level(cls) -> bool:
        """Whether ``push_tracking`` can ship single lines and quantities (declared on TRANSMIT_TRACKING)."""
        return any(d.capability is Capability.TRANSMIT_TRACKING and d.item_level for d in cls.capabilities)

    @classmethod
    def cancels_lines(cls) -> bool:
        """Whether ``cancel_lines`` sends line cancellations to the channel (declared on CHANGE_STATUS)."""
        return any(d.capability is Capability.CHANGE_STATUS and d.cancels_lines for d in cls.capabilities)

    # lifecycle -----------------------------------------------------------------------------------
    def test_connection(self) -> ConnectionTestResult:
        raise NotImplementedError

    def close(self) -> None:
        """Release HTTP clients."""

    # import --------------------------------------------------------------------------------------
    def fetch_orders(self, window: Window) -> Iterator[OrderPage]:
        """Every order modified within the window, page by page, oldest modification first if the
        channel can sort so. Records that do not map go to ``page.quarantined``."""
        raise NotImplementedError

    def fetch_order(self, ref: OrderRef) -> OrderPage:
        raise NotImplementedError

    def fetch_articles(self, window: Window) -> Iterator[ArticlePage]:
        raise NotImplementedError

    # webhooks ------------------------------------------------------------------------------------
    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookMeta:
        """Check the signature in constant time; raise WebhookRejected if it does not hold."""
        raise NotImplementedError

    def parse_webhook(self, meta: WebhookMeta, body: bytes) -> OrderPage:
        raise NotImplementedError

    def answer_webhook_challenge(self, query: Mapping[str, str]) -> Any:
        """The reply to the channel's GET on the webhook address, from ``webhook_challenge`` and the token in
        the connection's settings or state; raises sdk.webhook_reply.ChallengeRefused for a bad request."""
        if self.webhook_challenge is None:
            raise NotImplementedError
        name = self.webhook_challenge.token_setting
        token = str(self.settings.get(name) or self.context.state.get(name) or "")
        return self.webhook_challenge.answer(query, token, self.context.webhook_url)

    def receive_notifications(self, limit: int) -> list[Any]:
        """Up to ``limit`` waiting messages of the ``notification_queue`` (sdk.pull_queue.QueuedNotification),
        left in the queue until acknowledged."""
        raise NotImplementedError

    def ack_notifications(self, receipts: list[str]) -> None:
        """Remove stored messages from the queue."""
        raise NotImplementedError

    def register_webhooks(self) -> None:
        """Create the channel's webhooks pointing at ``context.webhook_url``; idempotent."""
        raise NotImplementedError

    def unregister_webhooks(self) -> None:
        raise NotImplementedError

    def check_webhooks(self, repair: bool = True) -> WebhookHealth:
        """Whether the webhooks we registered are still there and active in the channel; with ``repair``,
        re-activate or re-create those that are not (see ``sdk.webhook_reconcile``). Changes state."""
        raise NotImplementedError

    # push ----------------------------------------------------------------------------------------
    def channel_status_for(self, state: OrderState) -> str | None:
        """The channel status our ``push_state`` writes for a hub state, if any. The engine uses it to
        recognise an imported status as the echo of its own push (hub "Closed" written as "completed"
        must not come back as "Shipped")."""
        return None

    def push_state(self, ref: OrderRef, state: OrderState, comment: str = "") -> PushResult:
        raise NotImplementedError

    def push_tracking(self, ref: OrderRef, shipment: Shipment) -> PushResult:
        """``shipment.lines`` names the lines and quantities of a partial shipment (only sent to a connector
        that declares ``item_level``); no lines: the whole order (what is still open of it)."""
        raise NotImplementedError

    def cancel_lines(self, ref: OrderRef, cancellations: list[LineCancellation]) -> PushResult:
        """Cancel quantities of single order lines on the channel (declared with
        ``declare(CHANGE_STATUS, ..., cancels_lines=True)``); ``item_external_id`` is the line's
        ``OrderItem.external_id``. Sent once per hub cancellation, through the outbox like every push: a
        cancellation the channel already shows answers ``already_done``."""
        raise NotImplementedError

    def acknowledge(self, ref: OrderRef, accept: bool, reason: str = "") -> PushResult:
        """Accept or reject a new order (ACKNOWLEDGE_ORDERS); an order the channel already shows as
        acknowledged the same way answers ``already_done``."""
        raise NotImplementedError

    def push_stock(self, updates: list[StockUpdate]) -> Sequence[PushResult | Exception]:
        """One result per update, in order; an exception in its place is that update's failure. Batched where
        the channel allows."""
        raise NotImplementedError

    def send_message(self, ref: OrderRef, subject: str, text: str) -> PushResult:
        raise NotImplementedError

    def check_push(self, job: PushJob) -> JobOutcome:
        """The state of a job a push was accepted into (declared by ``async_push``). Without ``job.job_id``
        find it by ``job.reference``; read only, so asking twice is harmless."""
        raise NotImplementedError
