"""End to end: `ordersync serve` as its own process (web app, scheduler and a real worker), a WooCommerce
sandbox on loopback, and Debian's Chromium driven by Playwright. Playwright never downloads a browser."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from channels.harness import SandboxControl
from conftest import require_or_skip
from cryptography.fernet import Fernet

from ordersync import accounts
from ordersync.channels.sdk.serving import free_port, serve_in_thread
from ordersync.channels.woocommerce.sandbox import create_sandbox
from ordersync.config import load_config
from ordersync.sync.hub import Hub

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EMAIL = "seller@example.com"
PASSWORD = "e2e password 123"


class Hubprocess:
    def __init__(self, base_url: str, proc: subprocess.Popen, log: Path) -> None:
        self.base_url, self.proc, self.log = base_url, proc, log


@pytest.fixture
def shop():
    sandbox = create_sandbox(seed=7, orders=12, products=8)
    server = serve_in_thread(sandbox.app)
    yield SandboxControl(sandbox, server.base_url)
    server.stop()


@pytest.fixture
def served_hub(tmp_path):
    """`ordersync serve` on a free port with its own home; the seller's user exists before it starts."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "ORDERSYNC_HOME": str(tmp_path / "home"),
        "ORDERSYNC_BASE_URL": base,
        "ORDERSYNC_MASTER_KEY": Fernet.generate_key().decode(),
        "ORDERSYNC_TIMEZONE": "Europe/Berlin",
    }
    env.pop("ORDERSYNC_DATABASE_URL", None)
    env.pop("ORDERSYNC_REDIS_URL", None)
    hub = Hub.open(load_config(env))
    accounts.create_user(hub, EMAIL, PASSWORD, "owner", account_name="Demo GmbH")
    hub.close()
    log = tmp_path / "serve.log"
    proc = subprocess.Popen(
        [sys.executable, "-c", "from ordersync.cli import main; main()", "serve", "--port", str(port)],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"ordersync serve did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    yield Hubprocess(base, proc, log)
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def browser_page():
    require_or_skip(Path(CHROMIUM).exists(), f"Debian's Chromium is not installed at {CHROMIUM}")
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 1366, "height": 900}, locale="en-GB", timezone_id="Europe/Berlin"
        )
        page = context.new_page()
        page.set_default_timeout(30_000)
        yield page
        context.close()
        browser.close()


@pytest.fixture
def screenshots(tmp_path) -> Path:
    folder = Path(os.environ.get("ORDERSYNC_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
