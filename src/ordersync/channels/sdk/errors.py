"""What can go wrong talking to a channel, classified once so every caller knows whether to retry.

Transient errors are retried (with backoff, honouring Retry-After); permanent ones are not (invariant 6:
4xx other than 408/409/429 is never retried). A RecordError is about one record, not the channel: the
engine quarantines that record and carries on with the rest (invariant 5).
"""

from __future__ import annotations


class ChannelError(Exception):
    retryable = False

    def __init__(self, message: str, *, status: int | None = None, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body = body[:2000]


class TransientError(ChannelError):
    """5xx, 408, 409, timeouts, dropped connections: try again later."""

    retryable = True


class RateLimited(TransientError):
    def __init__(
        self, message: str, *, retry_after: float | None = None, status: int | None = 429, body: str = ""
    ) -> None:
        super().__init__(message, status=status, body=body)
        self.retry_after = retry_after


class BudgetSpent(RateLimited):
    """The channel's call budget for a long period (a day) is used up: waiting for it is no retry. A read
    for a comparison raises it rather than ending early (sdk.reconcile_reads)."""


class PermanentError(ChannelError):
    """The channel refused the request; repeating it unchanged will not help."""


class AuthError(PermanentError):
    """Credentials are wrong or lack a permission: the seller must fix the connection."""


class NotFoundError(PermanentError):
    pass


class WebhookRejected(Exception):
    """An incoming webhook failed verification; ``status`` is what we answer (401 for bad signatures)."""

    def __init__(self, reason: str, status: int = 401) -> None:
        super().__init__(reason)
        self.status = status


class RecordError(ValueError):
    """One record could not be understood. ``hint`` tells the seller what to look at."""

    def __init__(self, reason: str, *, hint: str = "") -> None:
        super().__init__(reason)
        self.hint = hint
