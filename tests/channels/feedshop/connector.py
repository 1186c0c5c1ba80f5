"""A test connector whose stock goes out as feeds the platform processes later (see sdk.async_push).

Submits one feed per batch with the engine's reference; each message's ``messageId`` is its position in the
batch, which is what the feed's report keys its issues by. An ambiguous submit (timeout, 5xx, reset) is not
repeated here (a POST that may have acted is never retried by ChannelHTTP): the engine finds the feed by
reference at its next check (``GET /feeds?reference=``).
"""

from __future__ import annotations

from ordersync.channels.sdk.async_push import AsyncPush, JobOutcome, PushJob
from ordersync.channels.sdk.capabilities import Capability, Mode, declare
from ordersync.channels.sdk.connector import Connector
from ordersync.channels.sdk.guide import GuideStep
from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.records import ConnectionTestResult, PushResult
from ordersync.channels.sdk.settings import SettingField, SettingsSchema
from ordersync.domain import StockUpdate

CHECK_AFTER_S = 60.0


class FeedShop(Connector):
    system = "feedshop"
    display_name = "Feed Shop (test)"
    group = "marketplace"
    capabilities = (declare(Capability.SET_STOCK, Mode.API),)
    settings_schema = SettingsSchema(
        (
            SettingField("base_url", "API address", "url"),
            SettingField("token", "API token", secret=True),
            SettingField("timeout", "Timeout (seconds)", "int", required=False, default=30),
        )
    )
    guide = (
        GuideStep(
            "Create a token",
            "Create an API token and enter it below.",
            "Token anlegen",
            "Lege einen API-Token an und trage ihn unten ein.",
            settings=("token",),
        ),
    )
    sandbox_factory = "channels.feedshop.sandbox:create_sandbox"
    async_push = AsyncPush(kinds=("stock",), timeout_s=3600.0, find_by_reference=True, lookup_grace_s=120.0)

    def __init__(self, settings, context=None) -> None:
        super().__init__(settings, context)
        self.http = ChannelHTTP(
            self.settings["base_url"],
            timeout=float(self.settings.get("timeout") or 30),
            headers={"Authorization": f"Bearer {self.settings['token']}"},
        )

    def close(self) -> None:
        self.http.close()

    def test_connection(self) -> ConnectionTestResult:
        self.http.request("GET", "/feeds", params={"reference": "-"})
        return ConnectionTestResult(True, "ok")

    def push_stock(self, updates: list[StockUpdate]) -> list[PushResult]:
        """Quantities the platform already shows are done without a feed (a retry after the hub lost its
        "done"); the rest go out as one feed, each message numbered by its position in the batch."""
        skus = [u.sku or u.product_external_id for u in updates]
        shown = {
            row["sku"]: row["quantity"]
            for row in self.http.request(
                "GET", "/inventory", params={"skus": ",".join(sorted(set(skus)))}, expect_json=True
            ).json()["inventory"]
        }
        messages = [
            {"messageId": i, "sku": sku, "quantity": u.quantity}
            for i, (sku, u) in enumerate(zip(skus, updates, strict=True))
            if shown.get(sku) != u.quantity
        ]
        answer = (
            self.http.request(
                "POST",
                "/feeds",
                json={"reference": self.context.push_reference, "messages": messages},
                expect_json=True,
            ).json()
            if messages
            else {}
        )
        sent = {m["messageId"] for m in messages}
        return [
            PushResult.accepted(answer["feedId"], CHECK_AFTER_S, item=i)
            if i in sent
            else PushResult(already_done=True, remote_id=skus[i])
            for i in range(len(updates))
        ]

    def check_push(self, job: PushJob) -> JobOutcome:
        if job.job_id:
            feed = self.http.request("GET", f"/feeds/{job.job_id}", expect_json=True).json()
        else:
            found = self.http.request("GET", "/feeds", params={"reference": job.reference}, expect_json=True).json()[
                "feeds"
            ]
            if not found:
                return JobOutcome.not_submitted()
            feed = found[0]
        if feed["status"] == "FATAL":
            return JobOutcome.failed(feed.get("error", ""), job_id=feed["feedId"])
        if feed["status"] != "DONE":
            return JobOutcome.running(CHECK_AFTER_S, job_id=feed["feedId"])
        errors = {
            i["messageId"]: f"{i['sku']}: {i['message']}"
            for i in feed["report"]["issues"]
            if i.get("severity") == "ERROR"
        }
        return JobOutcome.done(errors, job_id=feed["feedId"])
