"""The seller's first day, through the browser: log in → Einstellungen / Shops → Neu → WooCommerce → follow
the guide → enter the shop's URL and keys → test → save → sync now → see the orders → ship one with a
tracking number → the shop's ledger shows the tracking note. Then every page of the web app, in German, at
360, 390, 1280 and 1920 px: nothing may be wider than the element it sits in (a wide table scrolls inside
its card). Screenshots of the main pages go to ORDERSYNC_SCREENSHOTS (docs/screenshots for the committed
ones) or a temporary folder."""

from __future__ import annotations

import json
import time
from urllib.parse import quote

import pytest

from .conftest import EMAIL, PASSWORD

pytestmark = pytest.mark.slow

TRACKING = "00340434161094042557"


def _wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}")


_SPILLING = """() => {
  const problems = [];
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.classList.length ? '.' + [...el.classList].join('.') : '');
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    problems.push(`the page is ${document.documentElement.scrollWidth}px wide in a ${window.innerWidth}px window`);
  for (const el of document.body.querySelectorAll('*')) {
    const parent = el.parentElement;
    const style = getComputedStyle(el);
    if (style.position === 'fixed' || style.position === 'absolute' || style.display === 'none') continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    // sideways scrolling is for tables (in their card or a .scroll wrapper) and the main menu, nothing else
    if (scrolls(el) && el.scrollWidth > el.clientWidth + 1 && !el.matches('.scroll, .mainnav')) {
      const out = [...el.children].filter(c => c.getBoundingClientRect().right > box.right + 1 && c.tagName !== 'TABLE');
      if (out.length) problems.push(`${name(el)} scrolls sideways for ${out.map(name).join(', ')}`);
    }
    if (!parent || scrolls(parent)) continue;  // scrolling inside its parent: judged above
    const outer = parent.getBoundingClientRect();
    if (box.right > outer.right + 1 || box.left < outer.left - 1)
      problems.push(`${name(el)} (${Math.round(box.width)}px) runs out of ${name(parent)} ` +
                    `(${Math.round(outer.width)}px): "${(el.textContent || '').trim().slice(0, 40)}"`);
  }
  return problems.slice(0, 12);
}"""
WIDTHS = (360, 390, 1280, 1920)
SCREENSHOT_WIDTHS = (390, 1280)


def _spilling(page) -> list[str]:
    """What runs out of its place: the page wider than the window, or any element that reaches beyond the
    element it sits in, unless that one scrolls (a table inside its card's scroller, the main menu)."""
    return page.evaluate(_SPILLING)


def _fits_every_width(page, what: str, screenshots, shot: str | None) -> list[str]:
    """The current page at every width: what spills, as "page @ width: problem" lines; screenshots at 390 and
    1280 px for the pages whose screenshots the docs show."""
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        found += [f"{what} @ {width}px: {p}" for p in _spilling(page)]
        if shot and width in SCREENSHOT_WIDTHS:
            page.screenshot(path=str(screenshots / f"{shot}-{width}.png"), full_page=True)
    return found


def _href(page, selector: str) -> str:
    return page.locator(selector).first.get_attribute("href")


def test_connect_woocommerce_sync_and_ship(served_hub, shop, browser_page, screenshots):
    page, base = browser_page, served_hub.base_url

    # log in (the login page follows the browser's language: English here), then switch to German
    page.goto(base + "/")
    assert page.url.startswith(base + "/login")
    page.screenshot(path=str(screenshots / "login.png"))
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", "wrong password!")
    page.click("button[type=submit]")
    assert "wrong" in page.text_content(".flash.error")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/orders")
    page.click("button.lang")
    page.wait_for_selector("text=Bestellungen")

    # Einstellungen / Shops → Neu → WooCommerce (found with the search box)
    page.click("nav.mainnav >> text=Einstellungen / Shops")
    page.wait_for_selector("text=Noch kein Shop verbunden")
    page.click("#new-connection")
    page.wait_for_selector("#system-woocommerce")
    page.screenshot(path=str(screenshots / "new-connection.png"), full_page=True)
    page.fill("#system-search", "woo")
    assert page.is_hidden("#system-shopify") and page.is_visible("#system-woocommerce")
    page.click("#system-woocommerce")
    page.wait_for_selector("text=REST-API-Schlüssel anlegen")  # the guide's steps, in German

    # follow the guide: the fields sit in the steps that produce them
    settings = shop.settings()
    page.fill("#s_consumer_key", settings["consumer_key"])
    page.fill("#s_consumer_secret", settings["consumer_secret"])
    page.fill("#s_url", settings["url"])
    page.fill("#name", "Mein WooCommerce-Shop")
    page.screenshot(path=str(screenshots / "new-connection-guide.png"), full_page=True)
    page.click("#test-button")
    page.wait_for_selector("#test-result.ok")
    assert "Die Verbindung funktioniert" in page.text_content("#test-result")
    assert page.input_value("#s_consumer_secret") == settings["consumer_secret"]  # still typed, never echoed
    page.click("#save-button")
    page.wait_for_selector("text=wurde gespeichert")
    assert settings["consumer_secret"] not in page.content()  # the stored secret never comes back
    page.screenshot(path=str(screenshots / "shop-detail.png"), full_page=True)

    # sync now → the progress page polls the run until it has finished
    page.click("#sync-now")
    try:
        page.wait_for_selector("#sync-done:not([hidden])", timeout=120_000)
    except Exception:  # noqa: BLE001 - say what the page and the hub showed
        pytest.fail(
            f"sync did not finish; page {page.url} says {page.content()[:3000]!r}; "
            f"hub log:\n{served_hub.log.read_text()[-4000:]}"
        )
    assert "Abgleich abgeschlossen" in page.text_content("#sync-text")
    page.click("#see-orders")
    page.wait_for_selector("table.orders tbody tr")
    rows = page.locator("table.orders tbody tr").count()
    assert rows >= 10
    page.screenshot(path=str(screenshots / "orders-inbox.png"), full_page=True)

    # the inbox on a tablet
    page.set_viewport_size({"width": 820, "height": 1180})
    page.screenshot(path=str(screenshots / "orders-inbox-tablet.png"))
    page.set_viewport_size({"width": 1366, "height": 900})

    # ship one order with a tracking number
    first = page.locator("table.orders tbody tr td a.strong").first
    number = first.text_content().strip()
    first.click()
    page.wait_for_selector("#ship-card")
    page.fill("#ship-card input[name=carrier]", "DHL")
    page.fill("#ship-card input[name=tracking_number]", TRACKING)
    page.click("#ship-button")
    page.wait_for_selector(f"text=Sendung {TRACKING} gespeichert")
    assert page.text_content("#order-state").strip() == "Versendet"
    assert TRACKING in page.text_content("#shipments")

    # the worker sends it to the shop: the sandbox's ledger shows the tracking note on that order
    notes = _wait_for(
        lambda: [e for e in shop.ledger("order.note") if TRACKING in json.dumps(e["body"])],
        90,
        f"the tracking note of order {number} in the shop",
    )
    assert len(notes) == 1
    page.reload()
    page.screenshot(path=str(screenshots / "order-detail.png"), full_page=True)

    # articles were imported with the first sync
    page.click("nav.mainnav >> text=Artikel")
    page.wait_for_selector("h1:has-text('Artikel und Bestand')")
    page.screenshot(path=str(screenshots / "articles.png"), full_page=True)

    # the shops page now shows the connection's health
    page.click("nav.mainnav >> text=Einstellungen / Shops")
    page.wait_for_selector("text=Mein WooCommerce-Shop")
    page.screenshot(path=str(screenshots / "shops.png"))

    # the owner adds a colleague; the made-up first password is shown once
    page.click("nav.mainnav >> text=Benutzer")
    page.fill("input[name=email]", "lager@teeladen.example")
    page.select_option("select[name=role]:not([aria-label])", "staff")
    page.click("button:has-text('Benutzer hinzufügen')")
    page.wait_for_selector("text=lager@teeladen.example kann sich jetzt anmelden.")
    assert len(page.text_content("code.key").strip()) >= 16
    page.screenshot(path=str(screenshots / "users.png"), full_page=True)

    # every page fits a small phone, a phone, a laptop and a large screen, in German
    shop_page = _href(page, "nav.mainnav >> text=Einstellungen / Shops").rstrip("/")
    page.goto(base + shop_page)
    connection = _href(page, "a:has-text('Mein WooCommerce-Shop')")
    page.goto(base + "/orders")
    order, since = _href(page, "table.orders tbody tr td a.strong"), quote("2026-01-01T00:00:00+00:00")
    page.goto(base + "/articles")
    article = _href(page, "table tbody tr td a")
    pages = [
        ("/orders", "orders-inbox"),
        (order, "order-detail"),
        ("/articles", "articles"),
        (article, None),
        ("/settings/shops", "shops"),
        ("/settings/shops/new", "new-connection"),
        ("/settings/shops/new/woocommerce", "new-connection-guide"),
        (connection, "shop-detail"),
        (f"{connection}/log", None),
        (f"{connection}/dead", None),
        (f"{connection}/delete", None),
        (f"{connection}/sync?since={since}", None),
        ("/settings/users", "users"),
        ("/account", None),
        ("/orders/987654321", None),
    ]
    spilled = []
    for path, shot in pages:
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(base + path)
        assert page.locator("html").get_attribute("lang") == "de", path
        spilled += _fits_every_width(page, path, screenshots, shot)
    # the bulk shipping form opens from the inbox with orders ticked
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(base + "/orders")
    for box in page.locator("table.orders tbody input[type=checkbox]").all()[:2]:
        box.check()
    page.click("button:has-text('Ausgewählte versenden')")
    page.wait_for_selector("text=Mehrere Bestellungen versenden")
    spilled += _fits_every_width(page, "bulk shipping", screenshots, None)
    # the login page, in a German browser
    german = page.context.browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    login = german.new_page()
    login.goto(base + "/login")
    assert login.locator("html").get_attribute("lang") == "de"
    spilled += _fits_every_width(login, "/login", screenshots, "login")
    # the check itself sees a spill: a block wider than its card (set through the DOM: the page's CSP
    # refuses inline style attributes)
    login.evaluate(
        "() => { const d = document.createElement('div'); d.id = 'too-wide'; d.style.width = '3000px';"
        " d.style.height = '5px'; document.querySelector('.login-card form.stack').append(d); }"
    )
    seen = _spilling(login)
    assert any("div#too-wide" in p for p in seen), seen
    german.close()
    if spilled:
        pytest.fail("elements wider than their container:\n" + "\n".join(spilled))
