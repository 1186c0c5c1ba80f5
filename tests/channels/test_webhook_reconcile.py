"""sdk.webhook_reconcile: which of our hooks need repair, what a failed repair reports, and that hooks that
are not ours are left alone."""

from __future__ import annotations

from ordersync.channels.sdk.webhook_reconcile import RemoteHook, reconcile

URL = "https://hub.example/webhooks/x/t"


def test_inactive_is_reactivated_missing_is_created_at_the_given_url_others_untouched():
    listed = [
        RemoteHook("1", "a", URL, True),
        RemoteHook("2", "b", URL, False, "disabled"),
        RemoteHook("9", "b", "https://other.example", False, "paused"),
    ]
    calls = []
    health = reconcile(
        listed,
        {"a": "1", "b": "2", "c": "3"},
        URL,
        reactivate=lambda h: calls.append(("on", h.id)),
        create=lambda topic, url: calls.append(("new", topic, url)) or "30",
    )
    assert calls == [("on", "2"), ("new", "c", URL)]
    assert health.found == ["b: disabled", "c: deleted in the shop"]
    assert health.repaired == ["b: re-activated", "c: re-created"]
    assert health.active and health.ids == {"a": "1", "b": "2", "c": "30"} and health.registered_url == URL


def test_without_repair_or_when_repair_fails_the_problem_stays():
    listed = [RemoteHook("2", "b", URL, False, "disabled")]
    looked = reconcile(listed, {"b": "2", "c": "3"}, URL, reactivate=None, create=None)
    assert looked.problems == ["b: disabled", "c: deleted in the shop"] and not looked.active

    def refuse(*_):
        raise RuntimeError("HTTP 500")

    failed = reconcile(listed, {"b": "2"}, URL, reactivate=refuse, create=refuse)
    assert failed.problems == ["b: disabled (could not be re-activated: HTTP 500)"] and failed.ids == {"b": "2"}
