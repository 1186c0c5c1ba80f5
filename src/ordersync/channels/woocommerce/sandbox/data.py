"""Deterministic data of a German WooCommerce shop: catalogue, order skeletons, full orders, notes.

Everything is a pure function of (seed, index), so two sandboxes with the same seed agree byte for byte and an
order's body can be built lazily, on first read, instead of for all 100,000 orders up front: creating the
sandbox only lays out the cheap skeletons (id, status, created, modified) the listing index needs.
Money is integer cents inside and two-decimal strings outside; totals add up exactly the way WooCommerce's do
with prices entered including tax: line gross -> net (subtotal/total) + tax, and
``total = sum(subtotal) - discount_total + shipping_total + total_tax``.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

SITE_TZ = ZoneInfo("Europe/Berlin")
STOREFRONT = "https://shop.example.de"
STATUSES = ("pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed")
STATUS_NAMES = {
    "pending": "Pending payment",
    "processing": "Processing",
    "on-hold": "On hold",
    "completed": "Completed",
    "cancelled": "Cancelled",
    "refunded": "Refunded",
    "failed": "Failed",
    "trash": "Trash",
}
# tax class -> (rate id, percent, label, rate code), as a German shop configures its standard and reduced rate
RATES = {"": (1, 19, "MwSt.", "DE-MWST.-1"), "reduced-rate": (2, 7, "MwSt. ermäßigt", "DE-MWST. ERMÄSSIGT-2")}

_CATEGORIES = [  # id, name, slug, tax class, sku prefix, (min, max) euros, nouns, variable?
    (
        15,
        "Küche & Haushalt",
        "kueche-haushalt",
        "",
        "KH",
        (6, 60),
        ["Thermobecher 500 ml", "Schneidebrett", "Gewürzmühle", "Brotkasten", "Kaffeedose", "Küchenwaage"],
        False,
    ),
    (
        16,
        "Bekleidung",
        "bekleidung",
        "",
        "BK",
        (12, 80),
        ["T-Shirt", "Kapuzenpullover", "Sweatjacke", "Poloshirt", "Fleecejacke", "Longsleeve"],
        True,
    ),
    (
        17,
        "Bücher",
        "buecher",
        "reduced-rate",
        "BU",
        (9, 35),
        ["Kochbuch Regional", "Reiseführer Alpen", "Gartenratgeber", "Kinderbuch Tiere", "Bildband Ostsee"],
        False,
    ),
    (
        18,
        "Lebensmittel",
        "lebensmittel",
        "reduced-rate",
        "LM",
        (4, 30),
        ["Kaffee ganze Bohne 1 kg", "Olivenöl nativ extra 500 ml", "Blütenhonig 500 g", "Kräutertee", "Nudeln"],
        False,
    ),
    (
        19,
        "Garten",
        "garten",
        "",
        "GA",
        (8, 120),
        ["Pflanzkübel", "Gartenschere", "Vogelhaus", "Gießkanne 10 l", "Hochbeet", "Rankgitter"],
        False,
    ),
]
_ADJ = ["Edelstahl", "Bambus", "Bio", "Premium", "Classic", "Eichenholz", "Keramik", "Nordic", "Alpin", "Vintage"]
_SIZES, _COLORS = ["S", "M", "L", "XL"], [("Schwarz", "SW"), ("Weiß", "WS"), ("Navy", "NV"), ("Grau", "GR")]
_FIRST = [
    "Anna",
    "Lukas",
    "Marie",
    "Jonas",
    "Sophie",
    "Felix",
    "Lena",
    "Paul",
    "Emma",
    "Maximilian",
    "Jürgen",
    "Özlem",
    "Hannah",
    "Leon",
    "Mia",
    "Günther",
    "Sabine",
    "Thomas",
    "Katrin",
    "Stefan",
    "Zoë",
    "René",
]
_LAST = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Yılmaz",
    "Groß",
]
_CITIES = {
    "DE": [
        ("10115", "Berlin"),
        ("80331", "München"),
        ("50667", "Köln"),
        ("20095", "Hamburg"),
        ("04109", "Leipzig"),
        ("01067", "Dresden"),
        ("90402", "Nürnberg"),
        ("79098", "Freiburg im Breisgau"),
        ("09456", "Annaberg-Buchholz"),
        ("18055", "Rostock"),
    ],
    "AT": [("1010", "Wien"), ("8010", "Graz"), ("5020", "Salzburg"), ("6020", "Innsbruck")],
    "CH": [("8001", "Zürich"), ("3011", "Bern"), ("4051", "Basel"), ("9000", "St. Gallen")],
}
_CH_STATES = {"8001": "ZH", "3011": "BE", "4051": "BS", "9000": "SG"}
_STREETS = [
    "Kollmitz 1 1/3",
    "Eliasstr.12",
    "Straße des 17. Juni 4a",
    "Am Markt 3-5",
    "Hauptstraße 5",
    "Bahnhofstr. 12b",
    "Lindenallee 23",
    "Auf der Höhe 7",
    "Karl-Marx-Allee 90A",
    "Schloßstraße 2 / 3",
    "Im Winkel 14",
    "An der Kirche 1",
]
_LOCAL_STREETS = {
    "DE": [],
    "AT": ["Mariahilfer Straße 101/4/12", "Landstraßer Hauptstraße 7/2"],
    "CH": ["Bahnhofstrasse 21", "Rue du Marché 3"],
}
_LINE2 = ["", "", "", "", "Hinterhaus", "2. OG links", "c/o Meier", "Appartement 12"]
_PAYMENTS = [
    ("paypal", "PayPal", 35),
    ("stripe", "Kreditkarte (Stripe)", 20),
    ("bacs", "Überweisung", 15),
    ("klarna_payments", "Klarna: Rechnung", 15),
    ("cod", "Nachnahme", 5),
    ("invoice", "Kauf auf Rechnung", 10),
]
_STATUS_WEIGHTS = [
    ("completed", 56),
    ("processing", 14),
    ("on-hold", 5),
    ("pending", 5),
    ("cancelled", 8),
    ("refunded", 4),
    ("failed", 4),
    ("trash", 1),
]
_NOTES = [
    "",
    "",
    "",
    "",
    "",
    "",
    "Bitte beim Nachbarn abgeben.",
    "Lieferung bitte nicht vor 14 Uhr.",
    "Geschenk - bitte ohne Rechnung im Paket.",
    "Abstellgenehmigung: Garage",
]
_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def cents(text: str) -> int:
    whole, _, frac = text.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2]) * (-1 if whole.startswith("-") else 1)


def unrounded_tax(gross_cents: int, pct: int) -> str:
    """A line's tax as WooCommerce keeps it in ``taxes[]``: not rounded to the shop's decimals (only to its
    internal precision, 4 places) and without trailing zeros, e.g. "4.7883" or "12.483"."""
    if not pct:
        return "0"
    text = f"{Decimal(gross_cents * pct) / (100 + pct) / 100:.4f}".rstrip("0").rstrip(".")
    return text


def php_quotient(total_cents: int, qty: int) -> int | float:
    """The line item ``price``: PHP's total / quantity, an int when it divides evenly, else a float."""
    if total_cents % (100 * qty) == 0:
        return total_cents // (100 * qty)
    return round(total_cents / 100 / qty, 6)


def local_str(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, SITE_TZ).strftime("%Y-%m-%dT%H:%M:%S")


def gmt_str(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def dates(prefix: str, epoch: int | None) -> dict[str, str | None]:
    """A WooCommerce date pair: site-local time and GMT, both without offset, as the REST API sends them."""
    return {
        prefix: local_str(epoch) if epoch is not None else None,
        f"{prefix}_gmt": gmt_str(epoch) if epoch is not None else None,
    }


def gtin13(first12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


def keys_for(seed: int) -> tuple[str, str]:
    digest = hashlib.sha1(f"ordersync-woo-keys:{seed}".encode()).hexdigest()
    secret = hashlib.sha1(f"ordersync-woo-secret:{seed}".encode()).hexdigest()
    return f"ck_{digest}", f"cs_{secret}"


def _slug(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "ë": "e", "ı": "i"})
    out = "".join(c if c.isalnum() else "-" for c in text.lower().translate(table))
    return "-".join(p for p in out.split("-") if p)


@dataclass(frozen=True, slots=True)
class Sellable:
    """A line a buyer can order: a simple product, or one variation of a variable product."""

    product_id: int
    variation_id: int
    name: str
    sku: str
    gross: int
    tax_class: str
    attrs: tuple[tuple[str, str], ...]
    image: tuple[int, str] = (0, "")  # line item ``image``: the product's main image (id, src)
    parent_name: str | None = None  # line item ``parent_name``: the variable product's name, None if simple

    @property
    def meta(self) -> list[tuple[str, str]]:
        """Line item meta for a variation: its attributes as pa_ taxonomy slugs."""
        return _META.get(self.attrs) or _META.setdefault(
            self.attrs, [(f"pa_{_slug(k)}", _slug(v)) for k, v in self.attrs]
        )


_META: dict[tuple, list[tuple[str, str]]] = {}


def build_catalogue(
    seed: int, count: int, anchor: int, parent_stock_share: float = 0.35
) -> tuple[dict[int, dict], dict[int, dict], list[Sellable]]:
    """Products and variations keyed by id (their REST JSON without ``_links``) and what orders can contain."""
    rng = random.Random(f"catalogue:{seed}")
    products: dict[int, dict] = {}
    variations: dict[int, dict] = {}
    sellables: list[Sellable] = []
    next_id, names = 10, set()
    for i in range(count):
        cat_id, cat_name, cat_slug, tax_class, prefix, (lo, hi), nouns, can_vary = rng.choice(_CATEGORIES)
        name = f"{rng.choice(_ADJ)} {rng.choice(nouns)}"
        name = name if name not in names else f"{name} Nr. {i + 1}"
        names.add(name)
        pid, sku, next_id = next_id, f"{prefix}-{1001 + i}", next_id + 1
        created = anchor - rng.randint(200, 730) * 86400 + rng.randint(0, 86399)
        modified = rng.randint(created + 60, anchor - 86400)
        gross = rng.randint(lo, hi) * 100 + rng.choice((99, 95, 90, 0, 49))
        variable = can_vary and rng.random() < 0.6
        product = _product(pid, name, sku, created, modified, gross, tax_class, (cat_id, cat_name, cat_slug), rng)
        if variable:
            combos = [(s, c) for s in _SIZES for c in rng.sample(_COLORS, 2)][: rng.randint(2, 6)]
            vids = []
            for size, (color, code) in combos:
                vid, next_id = next_id, next_id + 1
                vgross = gross + (200 if size == "XL" else 0)
                attrs = (("Größe", size), ("Farbe", color))
                variations[vid] = _variation(vid, pid, product, f"{sku}-{size}-{code}", vgross, attrs, rng)
                vids.append(vid)
                sellables.append(
                    Sellable(
                        pid,
                        vid,
                        f"{name} - {size}, {color}",
                        f"{sku}-{size}-{code}",
                        vgross,
                        tax_class,
                        attrs,
                        _image_ref(product),
                        name,
                    )
                )
            product.update(
                type="variable",
                price=money(min(cents(variations[v]["price"]) for v in vids)),
                regular_price="",
                manage_stock=False,
                stock_quantity=None,
                variations=vids,
                attributes=[
                    {
                        "id": 1,
                        "name": "Größe",
                        "position": 0,
                        "visible": True,
                        "variation": True,
                        "options": sorted({s for s, _ in combos}, key=_SIZES.index),
                    },
                    {
                        "id": 2,
                        "name": "Farbe",
                        "position": 1,
                        "visible": True,
                        "variation": True,
                        "options": sorted({c for _, (c, _) in combos}),
                    },
                ],
            )
            product["meta_data"] = []
            _maybe_parent_stock(seed, product, [variations[v] for v in vids], parent_stock_share)
        else:
            sellables.append(Sellable(pid, 0, name, sku, gross, tax_class, (), _image_ref(product)))
        products[pid] = product
    return products, variations, sellables


def _stock(rng: random.Random) -> dict:
    managed = rng.random() < 0.85
    qty = rng.choice((0, 0, 1, 2, 3, 5, 8, 12, 20, 35, 50, 80, 150)) if managed else None
    return {
        "manage_stock": managed,
        "stock_quantity": qty,
        "stock_status": "outofstock" if managed and qty == 0 else "instock",
    }


def _maybe_parent_stock(seed: int, product: dict, variations: list[dict], share: float) -> None:
    """About a third of the variable products keep one stock for all their variations: the parent manages
    stock and each variation's own ``manage_stock`` is false, which the API shows as ``"parent"``. Drawn from
    a generator of its own, so the rest of the catalogue stays what it was."""
    rng = random.Random(f"parent-stock:{seed}:{product['id']}")
    if rng.random() >= share:
        return
    qty = rng.choice((0, 4, 9, 15, 30, 60))
    product.update(manage_stock=True, stock_quantity=qty, stock_status="instock" if qty else "outofstock")
    for variation in variations:
        variation.update(manage_stock=False, stock_quantity=None)


def _image_ref(product: dict) -> tuple[int, str]:
    image = product["images"][0]
    return image["id"], image["src"]


def _image(image_id: int, epoch: int, slug: str) -> dict:
    when = datetime.fromtimestamp(epoch, UTC)
    return {
        "id": image_id,
        **dates("date_created", epoch),
        **dates("date_modified", epoch),
        "src": f"{STOREFRONT}/wp-content/uploads/{when:%Y/%m}/{slug}.jpg",
        "name": slug,
        "alt": "",
    }


def _product(
    pid: int,
    name: str,
    sku: str,
    created: int,
    modified: int,
    gross: int,
    tax_class: str,
    category: tuple[int, str, str],
    rng: random.Random,
) -> dict:
    slug, price = _slug(name), money(gross)
    return {
        "id": pid,
        "name": name,
        "slug": slug,
        "permalink": f"{STOREFRONT}/produkt/{slug}/",
        **dates("date_created", created),
        **dates("date_modified", modified),
        "type": "simple",
        "status": "publish",
        "featured": rng.random() < 0.1,
        "catalog_visibility": "visible",
        "description": f"<p>{name} - sorgfältig ausgewählt und schnell versandt.</p>\n",
        "short_description": f"<p>{name}</p>\n",
        "sku": sku,
        "price": price,
        "regular_price": price,
        "sale_price": "",
        **dates("date_on_sale_from", None),
        **dates("date_on_sale_to", None),
        "price_html": f'<span class="woocommerce-Price-amount amount">{price.replace(".", ",")}&nbsp;'
        '<span class="woocommerce-Price-currencySymbol">&euro;</span></span>',
        "on_sale": False,
        "purchasable": True,
        "total_sales": rng.randint(0, 500),
        "virtual": False,
        "downloadable": False,
        "downloads": [],
        "download_limit": -1,
        "download_expiry": -1,
        "external_url": "",
        "button_text": "",
        "tax_status": "taxable",
        "tax_class": tax_class,
        **_stock(rng),
        "backorders": "no",
        "backorders_allowed": False,
        "backordered": False,
        "sold_individually": False,
        "weight": f"{rng.randint(1, 40) / 10:.1f}",
        "dimensions": {"length": "30", "width": "20", "height": "10"},
        "shipping_required": True,
        "shipping_taxable": True,
        "shipping_class": "",
        "shipping_class_id": 0,
        "reviews_allowed": True,
        "average_rating": f"{rng.choice((0, 3.5, 4, 4.5, 5)):.2f}",
        "rating_count": rng.randint(0, 40),
        "related_ids": [],
        "upsell_ids": [],
        "cross_sell_ids": [],
        "parent_id": 0,
        "purchase_note": "",
        "categories": [{"id": category[0], "name": category[1], "slug": category[2]}],
        "tags": [],
        "images": [_image(100000 + pid, created, slug)],
        "attributes": [],
        "default_attributes": [],
        "variations": [],
        "grouped_products": [],
        "menu_order": 0,
        "meta_data": [{"id": 300000 + pid, "key": "_ts_gtin", "value": gtin13(f"40{rng.randrange(10**10):010d}")}],
        **_newer_product_fields(pid),
    }


def _newer_product_fields(pid: int) -> dict:
    """Fields of WooCommerce 9.2+ that the vendor's examples predate: ``global_unique_id`` (GTIN, UPC, EAN or
    ISBN; empty here, this shop keeps GTINs in a plugin's meta) and ``low_stock_amount`` (null = the store's
    threshold; some products have their own)."""
    return {"global_unique_id": "", "low_stock_amount": 3 if pid % 7 == 0 else None}


def _variation(vid: int, pid: int, parent: dict, sku: str, gross: int, attrs: tuple, rng: random.Random) -> dict:
    price = money(gross)
    query = "&".join(f"attribute_pa_{_slug(k)}={_slug(v)}" for k, v in attrs)
    return {
        "id": vid,
        "date_created": parent["date_created"],
        "date_created_gmt": parent["date_created_gmt"],
        "date_modified": parent["date_modified"],
        "date_modified_gmt": parent["date_modified_gmt"],
        "description": "",
        "permalink": f"{parent['permalink']}?{query}",
        "sku": sku,
        "price": price,
        "regular_price": price,
        "sale_price": "",
        **dates("date_on_sale_from", None),
        **dates("date_on_sale_to", None),
        "on_sale": False,
        "status": "publish",
        "purchasable": True,
        "virtual": False,
        "downloadable": False,
        "downloads": [],
        "download_limit": -1,
        "download_expiry": -1,
        "tax_status": "taxable",
        "tax_class": parent["tax_class"],
        **_stock(rng),
        "backorders": "no",
        "backorders_allowed": False,
        "backordered": False,
        "weight": parent["weight"],
        "dimensions": dict(parent["dimensions"]),
        "shipping_class": "",
        "shipping_class_id": 0,
        "image": dict(parent["images"][0]),
        "attributes": [{"id": i + 1, "name": k, "option": v} for i, (k, v) in enumerate(attrs)],
        "menu_order": 0,
        "meta_data": [{"id": 300000 + vid, "key": "_ts_gtin", "value": gtin13(f"40{rng.randrange(10**10):010d}")}],
        # WooCommerce 9.x: a variation says what it is and whose it is
        "name": f"{parent['name']} - {', '.join(v for _, v in attrs)}",
        "parent_id": pid,
        "type": "variation",
        **_newer_product_fields(vid),
    }


@dataclass(slots=True)
class OrderRow:
    """What the listing index needs of an order; ``index`` seeds its lazily built body."""

    id: int
    index: int
    status: str
    created: int
    modified: int


def order_rows(seed: int, count: int, anchor: int, history_days: int = 180, first_id: int = 1000) -> list[OrderRow]:
    """Orders spread over the last ``history_days``; ids rise with creation time (with gaps, as posts share
    the id sequence); every ``date_modified`` is after creation, before the anchor, and unique."""
    rng = random.Random(f"orders:{seed}")
    span = history_days * 86400
    created = sorted(anchor - span + int(rng.random() * (span - 7200)) for _ in range(count))
    statuses = rng.choices([s for s, _ in _STATUS_WEIGHTS], [w for _, w in _STATUS_WEIGHTS], k=count)
    rows, next_id = [], first_id
    for i, (c, status) in enumerate(zip(created, statuses, strict=True)):
        after = {
            "pending": (5, 600),
            "failed": (5, 900),
            "processing": (30, 20000),
            "on-hold": (30, 3 * 86400),
            "cancelled": (600, 5 * 86400),
            "completed": (3600, 6 * 86400),
            "refunded": (5 * 86400, 30 * 86400),
            "trash": (86400, 20 * 86400),
        }[status]
        modified = min(c + rng.randint(*after), anchor - 60)
        rows.append(OrderRow(next_id, i, status, c, max(modified, c + 1)))
        next_id += rng.choice((1, 1, 1, 2, 3))
    taken: set[int] = set()
    for row in sorted(rows, key=lambda r: (r.modified, r.id)):
        while row.modified in taken:
            row.modified += 1
        taken.add(row.modified)
    return rows


def _person(rng: random.Random) -> dict:
    country = rng.choices(("DE", "AT", "CH"), (80, 12, 8))[0]
    postcode, city = rng.choice(_CITIES[country])
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    mail = _slug(f"{first}.{last}").replace("-", ".")
    return {
        "first_name": first,
        "last_name": last,
        "company": rng.choice(("",) * 9 + ("Muster GmbH",)),
        "address_1": rng.choice(_STREETS + _LOCAL_STREETS[country] * 4),
        "address_2": rng.choice(_LINE2),
        "city": city,
        "state": _CH_STATES.get(postcode, "") if country == "CH" else "",
        "postcode": postcode,
        "country": country,
        "email": f"{mail}{rng.randint(1, 99)}@{rng.choice(('web.de', 'gmx.de', 'posteo.de'))}",
        "phone": rng.choice(("", f"+49 170 {rng.randint(1000000, 9999999)}", f"030 {rng.randint(100000, 999999)}")),
    }


def _line(
    rng: random.Random, base_id: int, s: Sellable, qty: int, coupon_pct: int, zero_tax: bool, meta_base: int
) -> tuple[dict, int, int, int, int, int]:
    """One line item, with its gross after discount, tax, rate id, discount and discount tax in cents."""
    rate_id, pct, _, _ = RATES[s.tax_class]
    pct = 0 if zero_tax else pct
    gross = s.gross * qty
    gross_after = gross - (gross * coupon_pct + 50) // 100
    net_sub = (gross * 200 + 100 + pct) // (200 + 2 * pct)
    net_tot = (gross_after * 200 + 100 + pct) // (200 + 2 * pct)
    tax_sub, tax_tot = gross - net_sub, gross_after - net_tot
    taxes = (
        []
        if zero_tax
        else [{"id": rate_id, "total": unrounded_tax(gross_after, pct), "subtotal": unrounded_tax(gross, pct)}]
    )
    meta = [
        {"id": meta_base + i, "key": k, "value": v, "display_key": label, "display_value": shown}
        for i, ((k, v), (label, shown)) in enumerate(zip(s.meta, s.attrs, strict=True))
    ]
    item = {
        "id": base_id,
        "name": s.name,
        "product_id": s.product_id,
        "variation_id": s.variation_id,
        "quantity": qty,
        "tax_class": s.tax_class,
        "subtotal": money(net_sub),
        "subtotal_tax": money(tax_sub),
        "total": money(net_tot),
        "total_tax": money(tax_tot),
        "taxes": taxes,
        "meta_data": meta,
        "sku": s.sku,
        "price": php_quotient(net_tot, qty),
        "image": {"id": s.image[0], "src": s.image[1]},
        "parent_name": s.parent_name,
    }
    return item, gross_after, tax_tot, rate_id, net_sub - net_tot, tax_sub - tax_tot


def generated_refund_id(row: OrderRow) -> int:
    """The id of the one refund a generated "refunded" order lists (its item ids start at 1,000,000 + 8 × index)."""
    return 1_000_000 + row.index * 8 + 3


def build_order(
    seed: int,
    row: OrderRow,
    sellables: list[Sellable],
    lines: list[tuple[Sellable, int]] | None = None,
    status: str | None = None,
) -> dict:
    """The order's REST JSON without ``_links``. ``lines`` overrides the random basket (control API)."""
    rng = random.Random(seed * 1_000_003 + row.index)
    status = status or row.status
    billing = _person(rng)
    shipping = {k: v for k, v in billing.items() if k not in ("email", "phone")} | {"phone": ""}
    if rng.random() < 0.15:
        shipping.update(address_1=f"Packstation {rng.randint(100, 250)}", address_2=str(rng.randint(10**7, 10**8)))
    method, title, _ = rng.choices(_PAYMENTS, [w for *_, w in _PAYMENTS])[0]
    if lines is None:
        lines = [
            (rng.choice(sellables), rng.choice((1, 1, 1, 2, 2, 3, 5))) for _ in range(rng.choice((1, 1, 2, 2, 3, 4)))
        ]
    coupon = rng.choice(((0, ""),) * 9 + ((10, "SOMMER10"),))
    zero_tax = billing["country"] == "CH"
    item_base, meta_base = 1_000_000 + row.index * 8, 5_000_000 + row.index * 16
    tax_by_rate: dict[int, int] = {}  # rate id: tax in cents
    items, gross_total, discount, discount_tax = [], 0, 0, 0
    for k, (s, qty) in enumerate(lines[:4]):
        item, gross, tax, rate, off, off_tax = _line(
            rng, item_base + k, s, qty, coupon[0], zero_tax, meta_base + 4 + k * 3
        )
        items.append(item)
        gross_total, discount, discount_tax = gross_total + gross, discount + off, discount_tax + off_tax
        tax_by_rate[rate] = tax_by_rate.get(rate, 0) + tax
    ship_gross = {"DE": 0 if gross_total >= 5000 else 490, "AT": 990, "CH": 1490}[billing["country"]]
    ship_net = ship_gross if zero_tax else (ship_gross * 200 + 119) // 238
    ship_tax = ship_gross - ship_net
    cart_tax = sum(tax_by_rate.values())
    tax_lines = (
        []
        if zero_tax
        else [
            {
                "id": item_base + 5 + n,
                "rate_code": RATES[c][3],
                "rate_id": RATES[c][0],
                "label": RATES[c][2],
                "compound": False,
                "tax_total": money(tax_by_rate.get(RATES[c][0], 0)),
                "shipping_tax_total": money(ship_tax if RATES[c][0] == 1 else 0),
                "rate_percent": float(RATES[c][1]),
                "meta_data": [],
            }
            for n, c in enumerate(RATES)
            if RATES[c][0] in tax_by_rate or (RATES[c][0] == 1 and ship_tax)
        ]
    )
    paid = status in ("processing", "completed", "refunded") or (status == "trash" and rng.random() < 0.5)
    date_paid = (
        row.created + rng.randint(20, 600)
        if paid and method != "bacs"
        else (row.created + rng.randint(3600, 2 * 86400) if paid else None)
    )
    date_paid = min(date_paid, row.modified) if date_paid else None
    completed = (
        row.modified
        if status == "completed"
        else (row.created + (row.modified - row.created) // 2 if status == "refunded" else None)
    )
    total = gross_total + ship_gross
    order_key = "wc_order_" + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=13))
    return {
        "id": row.id,
        "parent_id": 0,
        "number": str(row.id),
        "order_key": order_key,
        "created_via": "checkout",
        "version": "8.9.3",
        "status": status,
        "currency": "EUR",
        **dates("date_created", row.created),
        **dates("date_modified", row.modified),
        "discount_total": money(discount),
        "discount_tax": money(discount_tax),
        "shipping_total": money(ship_net),
        "shipping_tax": money(ship_tax),
        "cart_tax": money(cart_tax),
        "total": money(total),
        "total_tax": money(cart_tax + ship_tax),
        "prices_include_tax": True,
        "customer_id": rng.choice((0, 0, 0, rng.randint(2, 5000))),
        "customer_ip_address": f"{rng.choice((79, 84, 91, 178))}.{rng.randint(0, 255)}.{rng.randint(0, 255)}."
        f"{rng.randint(1, 254)}",
        "customer_user_agent": _UA,
        "customer_note": rng.choice(_NOTES),
        "billing": billing,
        "shipping": shipping,
        "payment_method": method,
        "payment_method_title": title,
        "transaction_id": f"{rng.randrange(16**12):012X}" if paid and method in ("paypal", "stripe") else "",
        **dates("date_paid", date_paid),
        **dates("date_completed", completed),
        "cart_hash": f"{rng.getrandbits(128):032x}",
        "meta_data": [
            {"id": meta_base, "key": "is_vat_exempt", "value": "no"},
            {
                "id": meta_base + 1,
                "key": "_wc_order_attribution_source_type",
                "value": rng.choice(("organic", "typein", "referral", "utm")),
            },
        ],
        "line_items": items,
        "tax_lines": tax_lines,
        "shipping_lines": [
            {
                "id": item_base + 4,
                "method_title": "DHL Paket" if ship_gross else "Kostenloser Versand",
                "method_id": "flat_rate" if ship_gross else "free_shipping",
                "instance_id": "1" if ship_gross else "3",
                "total": money(ship_net),
                "total_tax": money(ship_tax),
                "taxes": [] if zero_tax or not ship_tax else [{"id": 1, "total": money(ship_tax), "subtotal": ""}],
                "meta_data": [],
            }
        ],
        "fee_lines": [],
        "coupon_lines": []
        if not coupon[0]
        else [
            {
                "id": item_base + 7,
                "code": coupon[1].lower(),
                "discount": money(discount),
                "discount_tax": money(discount_tax),
                "meta_data": [],
                "discount_type": "percent",
                "nominal_amount": float(coupon[0]),
                "free_shipping": False,
            }
        ],
        "refunds": []
        if status != "refunded"
        else [{"id": generated_refund_id(row), "reason": "Retoure", "total": money(-total)}],
        **order_flags({"id": row.id, "order_key": order_key, "status": status, "total": money(total)}),
        "currency_symbol": "\u20ac",
    }


def order_flags(order: dict) -> dict:
    """The read-only fields WooCommerce derives from an order's state (WC_REST_Orders_V2_Controller):
    recomputed whenever the order is saved, so a status change updates them."""
    status = order["status"]
    return {
        "payment_url": f"{STOREFRONT}/kasse/order-pay/{order['id']}/?pay_for_order=true&key={order['order_key']}",
        "is_editable": status in ("pending", "on-hold", "auto-draft"),
        "needs_payment": status in ("pending", "failed") and cents(order["total"]) > 0,
        "needs_processing": True,
    }  # physical goods only: every order needs processing


def order_notes(row: OrderRow, order: dict) -> list[dict]:
    """The system notes WooCommerce would have written for the order's history, newest first."""
    path = {
        "processing": ["pending", "processing"],
        "on-hold": ["pending", "on-hold"],
        "completed": ["pending", "processing", "completed"],
        "cancelled": ["pending", "cancelled"],
        "refunded": ["pending", "processing", "completed", "refunded"],
        "failed": ["pending", "failed"],
    }
    steps = path.get(order["status"], [])
    notes, span = [], max(1, row.modified - row.created)
    for k, (old, new) in enumerate(itertools.pairwise(steps)):
        text = f"Order status changed from {STATUS_NAMES[old]} to {STATUS_NAMES[new]}."
        if new == "on-hold" and order["payment_method"] == "bacs":
            text = f"Awaiting BACS payment {text}"
        epoch = row.created + span * (k + 1) // len(steps)
        notes.append(
            {
                "id": 20_000_000 + row.index * 4 + k,
                "author": "system",
                **dates("date_created", epoch),
                "note": text,
                "customer_note": False,
            }
        )
    return notes[::-1]
