"""Every page renders for an owner, in German and English, with the account's data."""

from __future__ import annotations


def test_pages_render(browser):
    for path in (
        "/orders",
        "/articles",
        "/settings/shops",
        "/settings/shops/new",
        "/settings/shops/new/woocommerce",
        "/account",
    ):
        r = browser.get(path)
        assert r.status_code == 200, (path, r.text[:2000])
