"""Pushes the platform answers with "accepted, result later": a feed or bulk job, settled by a later check.

Amazon's JSON_LISTINGS_FEED, Kaufland's and OTTO's bulk updates and eBay's bulk jobs take a batch, answer
with a job id and process it minutes later; only the job's report says which items failed and why. A
connector that pushes so declares it as data (``async_push = AsyncPush(...)``), answers the push with
``PushResult.accepted(job_id, ...)`` per item and implements ``check_push(job) -> JobOutcome``.

Items of a job are numbered by their position in the submitted batch (0, 1, ...), which is what such
reports key their results by (Amazon's ``messageId``); the connector makes its report's keys line up with
those positions. Every submission carries ``ConnectorContext.push_reference``, a token the engine wrote down
before sending: when the answer to a submit is lost (timeout, crash), ``check_push`` is asked with that
reference and no job id, and the connector finds the job by it (``JobOutcome.not_submitted()`` when the
platform has none), so an ambiguous submit is never simply sent again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class AsyncPush:
    """What a connector declares about its asynchronous pushes.

    ``kinds``: outbox kinds pushed this way ("stock", "state", ...). ``timeout_s``: a job not finished this
    long after its submit is a failure a person sees. ``find_by_reference``: ``check_push`` can find a job by
    the submission's reference; without it an ambiguous submit is a visible failure, never a second send.
    ``lookup_grace_s``: how long after an ambiguous submit "no job with that reference" may still be a
    submit the platform has not finished recording (kept waiting, not sent again, until it passes).
    """

    kinds: tuple[str, ...] = ("stock",)
    timeout_s: float = 3600.0
    find_by_reference: bool = True
    lookup_grace_s: float = 120.0


@dataclass(frozen=True, slots=True)
class PushJob:
    """A submitted job as the engine asks about it. ``job_id`` is empty when the submit's answer was lost
    and only ``reference`` is known. ``items``: positions (in the submitted batch) the engine waits on.
    ``order_id``: the order's external id for a push of one order (a status), so a job whose answer was lost
    can also be recognised by the order's state on the platform; "" for batches (stock)."""

    job_id: str
    reference: str
    kind: str
    items: tuple[int, ...] = ()
    order_id: str = ""


RUNNING, DONE, FAILED, NOT_SUBMITTED = "running", "done", "failed", "not_submitted"


@dataclass(frozen=True, slots=True)
class JobOutcome:
    """What a check found. ``done``: the job finished; positions in ``item_errors`` failed with the
    platform's reason, every other item succeeded (reports list only items with problems). ``failed``: the
    whole job was rejected, ``reason`` says why. ``running``: ask again after ``check_after_s``.
    ``job_id``: the job found by reference (when the engine asked without one)."""

    state: str
    reason: str = ""
    item_errors: Mapping[int, str] = field(default_factory=dict)
    check_after_s: float | None = None
    job_id: str = ""

    @classmethod
    def running(cls, check_after_s: float | None = None, *, job_id: str = "") -> JobOutcome:
        return cls(RUNNING, check_after_s=check_after_s, job_id=job_id)

    @classmethod
    def done(cls, item_errors: Mapping[int, str] | None = None, *, job_id: str = "") -> JobOutcome:
        return cls(DONE, item_errors=dict(item_errors or {}), job_id=job_id)

    @classmethod
    def failed(cls, reason: str, *, job_id: str = "") -> JobOutcome:
        return cls(FAILED, reason=reason, job_id=job_id)

    @classmethod
    def not_submitted(cls) -> JobOutcome:
        """No job with the reference exists on the platform: the submit never reached it."""
        return cls(NOT_SUBMITTED)
