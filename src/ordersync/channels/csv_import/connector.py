"""CSV files of orders: uploaded by the seller (seed mode 5: Jimdo, WIX, 1und1) or fetched from a URL on every
poll (mode 11: yatego, Avocadostore).

A CSV export has no modification times to page by: the file is the platform's current view of its orders,
so every poll reads the whole file and the engine's idempotent upsert keeps what is unchanged unchanged.
The fetch is a conditional GET (ETag / Last-Modified kept in the connection state), so an unchanged file
costs one 304. The URL passes the SDK's SSRF guard (``sdk.urlguard``): a seller cannot point the hub at
its own network. Rows that cannot be read are quarantined per order with every reason; the rest imports.

Uploads are the engine's (``sync.uploads.import_file``, one transaction or nothing); the connector reads the file
and answers the questions below the ``uploads`` line.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from typing import Any

from ..sdk.capabilities import Capability, Mode, declare
from ..sdk.connector import Connector, ConnectorContext
from ..sdk.errors import ChannelError, PermanentError
from ..sdk.records import ConnectionTestResult, OrderPage, Page, Quarantined, Window
from ..sdk.settings import SettingsError
from ..sdk.tls import ssl_verify
from ..sdk.urlguard import FetchResult, UrlPolicy, fetch, guarded_client
from .dialect import DELIMITER_NAMES
from .parser import ParserConfig, ParseResult, Progress, Rejection, parse_csv
from .profiles import Mapping as ColumnMapping
from .setup import GUIDE, SETTINGS
from .values import zone

STATE_ETAG = "etag"
STATE_LAST_MODIFIED = "last_modified"


class CsvConnector(Connector):
    system = "csv"
    display_name = "CSV file (upload or URL)"
    group = "files"
    capabilities = (
        declare(
            Capability.IMPORT_ORDERS,
            Mode.CSV_UPLOAD,
            Mode.CSV_URL,
            note="uploaded by hand, or fetched from the platform's export URL on every poll",
        ),
    )
    settings_schema = SETTINGS
    guide = GUIDE
    sandbox_factory = "ordersync.channels.csv_import.sandbox:create_sandbox"
    poll_interval = 900  # platforms refresh their export files every 15 minutes at best

    def __init__(self, settings: Mapping[str, Any], context: ConnectorContext | None = None) -> None:
        super().__init__(settings, context)
        self.config = cfg = SETTINGS.parse(self.settings)
        try:
            self.parser_config = ParserConfig(
                mapping=ColumnMapping.build(cfg["profile"], cfg["column_map"], cfg["status_map"]),
                timezone=zone(cfg["timezone"]),
                currency=_currency(cfg["currency"]),
                decimal_separator=cfg["decimal_separator"],
                date_format=cfg["date_format"],
                encoding=cfg["encoding"],
                delimiter=DELIMITER_NAMES[cfg["delimiter"]],
            )
        except SettingsError:
            raise
        except ValueError as exc:
            raise SettingsError(f"CSV connection: {exc}") from None
        if cfg["max_megabytes"] <= 0 or cfg["timeout"] <= 0:
            raise SettingsError("settings 'max_megabytes' and 'timeout' must be positive")

    # parsing -------------------------------------------------------------------------------------
    def parse(self, data: bytes, *, progress: Progress | None = None) -> ParseResult:
        return parse_csv(data, self.parser_config, progress=progress)

    # uploads (declared as Mode.CSV_UPLOAD): what the engine's sync.uploads asks -------------------
    @property
    def upload_limit(self) -> int:
        """The largest file, in bytes, this connection takes."""
        return self.config["max_megabytes"] * 1024 * 1024

    @property
    def skips_known_numbers(self) -> bool:
        """Orders whose number the connection already has are skipped ("skip duplicate order numbers")."""
        return self.config["skip_duplicates"]

    def quarantine_rejections(self, rejected: list[Rejection], *, source: str) -> list[Quarantined]:
        return quarantine_rejections(rejected, source=source)

    def file_rejection(self, reason: str) -> Rejection:
        """The whole file refused (too large), reported like a rejected row."""
        return Rejection(0, "", reason)

    # fetching ------------------------------------------------------------------------------------
    def policy(self) -> UrlPolicy:
        """The SSRF guard's policy; only the operator's environment can allow private hosts."""
        return UrlPolicy.from_env(
            max_bytes=self.config["max_megabytes"] * 1024 * 1024,
            timeout=float(self.config["timeout"]),
            total_time=float(self.config["timeout"]) * 4,
        )

    def _headers(self, conditional: bool) -> dict[str, str]:
        headers = {"Accept": "text/csv, text/plain;q=0.9, */*;q=0.5"}
        if self.config["url_user"] or self.config["url_password"]:
            pair = f"{self.config['url_user']}:{self.config['url_password']}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        state = self.context.state
        if conditional and state.get("url") == self.config["url"]:
            if state.get(STATE_ETAG):
                headers["If-None-Match"] = state[STATE_ETAG]
            if state.get(STATE_LAST_MODIFIED):
                headers["If-Modified-Since"] = state[STATE_LAST_MODIFIED]
        return headers

    def download(self, *, conditional: bool = True) -> FetchResult:
        if not self.config["url"]:
            raise PermanentError("this CSV connection has no URL; upload files instead")
        policy = self.policy()
        tls = ssl_verify(self.config["verify_tls"], self.config["ca_bundle"])
        with guarded_client(policy, verify=tls) as client:
            return fetch(self.config["url"], policy, headers=self._headers(conditional), client=client)

    def test_connection(self) -> ConnectionTestResult:
        if not self.config["url"]:
            return ConnectionTestResult(True, "Ready for uploads: ordersync import csv FILE --connection NAME.")
        try:
            result = self.download(conditional=False)
        except ChannelError as exc:
            return ConnectionTestResult(False, f"The file could not be fetched: {exc}")
        parsed = self.parse(result.content)
        if parsed.file_error:
            return ConnectionTestResult(False, f"The file was fetched but cannot be read: {parsed.file_error}")
        return ConnectionTestResult(
            True,
            f"Fetched {len(result.content):,} bytes: {len(parsed.orders)} orders, "
            f"{len(parsed.rejected)} rejected rows.",
            {"dialect": parsed.dialect.describe() if parsed.dialect else ""},
        )

    def fetch_orders(self, window: Window) -> Iterator[OrderPage]:
        """The whole file, as one page, when it changed since the last fetch; nothing on 304."""
        if not self.config["url"]:
            return
        result = self.download()
        if result.not_modified:
            return
        parsed = self.parse(result.content)
        if parsed.file_error:
            raise PermanentError(f"the file at {self.config['url']} cannot be read: {parsed.file_error}")
        quarantined = quarantine_rejections(parsed.rejected, source=self.config["url"])
        yield Page(parsed.orders, quarantined, 1, 1, len(parsed.orders) + len(quarantined))
        # Remember the version now held; the engine persists connector state only after a successful import,
        # so a file whose orders failed to store is fetched in full again next time.
        self.context.state.update(
            {
                "url": self.config["url"],
                STATE_ETAG: result.headers.get("etag", ""),
                STATE_LAST_MODIFIED: result.headers.get("last-modified", ""),
            }
        )


def quarantine_rejections(rejected: list[Rejection], *, source: str) -> list[Quarantined]:
    """One quarantine entry per rejected order (all its reasons), or per row when it has no number."""
    by_key: dict[str, list[Rejection]] = {}
    for rejection in rejected:
        by_key.setdefault(rejection.order_number or f"row-{rejection.row}", []).append(rejection)
    return [
        Quarantined(
            external_id=key,
            raw={"source": source, "rows": [r.row for r in items]},
            reason="; ".join(str(r) for r in items)[:2000],
            hint="fix the rows in the file; the order is imported on the next fetch",
        )
        for key, items in by_key.items()
    ]


def _currency(code: str) -> str:
    from ...domain.money import check_currency

    return check_currency(code)
