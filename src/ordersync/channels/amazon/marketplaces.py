"""Regions and marketplaces of the Selling Partner API.

Endpoints per region (Amazon's SP-API endpoint table): EU ``sellingpartnerapi-eu.amazon.com``, NA
``sellingpartnerapi-na.amazon.com``, FE ``sellingpartnerapi-fe.amazon.com``; the LWA token endpoint is
``https://api.amazon.com/auth/o2/token`` for all three. Marketplace ids are Amazon's published ids; the
seller names marketplaces by their short code (``DE``, ``UK``…) in the settings.
"""

from __future__ import annotations

ENDPOINTS = {
    "EU": "https://sellingpartnerapi-eu.amazon.com",
    "NA": "https://sellingpartnerapi-na.amazon.com",
    "FE": "https://sellingpartnerapi-fe.amazon.com",
}
LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"

#: code -> (marketplace id, region)
MARKETPLACES: dict[str, tuple[str, str]] = {
    "DE": ("A1PA6795UKMFR9", "EU"),
    "FR": ("A13V1IB3VIYZZH", "EU"),
    "IT": ("APJ6JRA9NG5V4", "EU"),
    "ES": ("A1RKKUPIHCS9HS", "EU"),
    "NL": ("A1805IZSGTT6HS", "EU"),
    "PL": ("A1C3SOZRARQ6R3", "EU"),
    "SE": ("A2NODRKZP88ZB9", "EU"),
    "BE": ("AMEN7PMS3EDWL", "EU"),
    "UK": ("A1F83G8C2ARO7P", "EU"),
    "IE": ("A28R8C7NBKEWEA", "EU"),
    "TR": ("A33AVAJ2PDY3EV", "EU"),
    "US": ("ATVPDKIKX0DER", "NA"),
    "CA": ("A2EUQ1WTGCTBG2", "NA"),
    "MX": ("A1AM78C64UM0Y8", "NA"),
    "BR": ("A2Q3Y263D00KWC", "NA"),
    "JP": ("A1VC38T7YXB528", "FE"),
    "AU": ("A39IBJ37TRP1C6", "FE"),
    "SG": ("A19VAU5U5O7RUS", "FE"),
}


#: marketplace id -> currency of its prices (used while an order is Pending and carries no amounts)
CURRENCIES = {
    "A1PA6795UKMFR9": "EUR",
    "A13V1IB3VIYZZH": "EUR",
    "APJ6JRA9NG5V4": "EUR",
    "A1RKKUPIHCS9HS": "EUR",
    "A1805IZSGTT6HS": "EUR",
    "A1C3SOZRARQ6R3": "PLN",
    "A2NODRKZP88ZB9": "SEK",
    "AMEN7PMS3EDWL": "EUR",
    "A1F83G8C2ARO7P": "GBP",
    "A28R8C7NBKEWEA": "EUR",
    "A33AVAJ2PDY3EV": "TRY",
    "ATVPDKIKX0DER": "USD",
    "A2EUQ1WTGCTBG2": "CAD",
    "A1AM78C64UM0Y8": "MXN",
    "A2Q3Y263D00KWC": "BRL",
    "A1VC38T7YXB528": "JPY",
    "A39IBJ37TRP1C6": "AUD",
    "A19VAU5U5O7RUS": "SGD",
}


def marketplace_ids(codes: str, region: str) -> list[str]:
    """The ids of comma-separated codes; each must exist and belong to the region (ValueError otherwise)."""
    ids = []
    for code in (c.strip().upper() for c in codes.split(",") if c.strip()):
        code = "UK" if code == "GB" else code
        if code not in MARKETPLACES:
            raise ValueError(f"unknown marketplace {code!r}; known: {', '.join(MARKETPLACES)}")
        mid, where = MARKETPLACES[code]
        if where != region:
            raise ValueError(f"marketplace {code} belongs to the {where} region, not {region}")
        ids.append(mid)
    if not ids:
        raise ValueError("name at least one marketplace, e.g. DE")
    return ids
