"""Keeping a channel's webhooks alive: compare what the shop lists with what we registered, and repair.

Shops switch webhooks off behind our back: WooCommerce sets a webhook to ``disabled`` after more than five
failed deliveries in a row (``WC_Webhook::failed_delivery``; e.g. while the hub was down) and never retries it; Shopify deletes a
subscription created through the Admin API after eight failed deliveries in a row (retried over four
hours since September 2024; 19 tries over 48 hours before). Polling still fetches every order, so nothing
is lost, but orders then arrive by the poll's clock, not within seconds, and nobody would notice.

This module holds what is the same for every channel: the comparison and the report. A connector lists its
subscriptions as ``RemoteHook`` and passes two functions, one that re-activates a hook and one that
creates it anew; ``reconcile`` calls them for what needs it and says what it found, what it fixed and
what is still wrong. It never touches hooks that are not ours (ids we hold).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RemoteHook:
    """One subscription as the channel lists it."""

    id: str
    topic: str
    url: str
    active: bool
    status: str = ""  # the channel's own word (e.g. WooCommerce "disabled"), for the report


@dataclass(slots=True)
class WebhookHealth:
    """The outcome of one check. ``problems`` are what is still wrong after repairs (empty: all active);
    ``found`` what was wrong before them; ``repaired`` what the check fixed; ``registered_url`` the delivery
    address the shop holds for our hooks (empty if it holds none)."""

    found: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    registered_url: str = ""
    ids: dict[str, str] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return not self.problems


Reactivate = Callable[[RemoteHook], None]
Create = Callable[[str, str], str]  # (topic, url) -> new id


def reconcile(
    listed: Iterable[RemoteHook],
    ours: Mapping[str, str],
    url: str,
    *,
    reactivate: Reactivate | None,
    create: Create | None,
) -> WebhookHealth:
    """Check our hooks (``ours``: topic -> id) among ``listed``; repair when the functions are given.

    ``url`` is where a re-created hook points: the address registered before (so a check run from a shell
    with another public URL does not move the shop's webhooks), else today's. A hook that fails to repair
    stays in ``problems`` with the reason; the next check tries again.
    """
    by_id = {h.id: h for h in listed}
    health = WebhookHealth(ids={t: str(i) for t, i in ours.items()})
    urls = []
    for topic, hook_id in sorted(ours.items()):
        hook = by_id.get(str(hook_id))
        if hook is None:
            health.found.append(f"{topic}: deleted in the shop")
            _repair(health, topic, "re-created", create and (lambda t=topic: _recreate(health, create, t, url)))
            continue
        urls.append(hook.url)
        if not hook.active:
            health.found.append(f"{topic}: {hook.status or 'inactive'}")
            _repair(health, topic, "re-activated", reactivate and (lambda h=hook: reactivate(h)))
    health.registered_url = urls[0] if urls else (url if health.repaired else "")
    return health


def _recreate(health: WebhookHealth, create: Create, topic: str, url: str) -> None:
    health.ids[topic] = str(create(topic, url))


def _repair(health: WebhookHealth, topic: str, done: str, action: Callable[[], None] | None) -> None:
    problem = health.found[-1]
    if action is None:
        health.problems.append(problem)
        return
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - reported; the next poll tries again
        health.problems.append(f"{problem} ({done.replace('re-', 'could not be re-')}: {exc})")
        return
    health.repaired.append(f"{topic}: {done}")
