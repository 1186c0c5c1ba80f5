"""docs/channels.md, generated from the connectors' own declarations so the docs can never promise more (or
less) than the code does. A test compares the committed file with a fresh rendering; ``ordersync docs`` (or
``python -m ordersync.channels.matrix``) rewrites it.

The second table lists the systems of the seed (the Billbee manual chapter the project was specified from),
kept here as data so the project does not depend on the specification folder, and shows which of them
have a connector yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .sdk.capabilities import Capability, CapabilityDecl, Mode
from .sdk.connector import Connector

DOCS_PATH = Path("docs/channels.md")

_GROUPS = {"marketplace": "Marktplatz / Marketplace", "shop": "Shop", "erp": "WaWi/ERP", "files": "Dateien / Files"}

# mode -> (words in a cell, seed footnote, German meaning, English meaning)
_MODES: dict[Mode, tuple[str, int | None, str, str]] = {
    Mode.POLL: ("poll", 1, "zeitgesteuert", "polled on a schedule"),
    Mode.EMAIL_IMPORT: ("e-mail import", 2, "per E-Mail-Import", "order e-mails are read and parsed"),
    Mode.WEBHOOK: ("webhook", 3, "unmittelbarer Import", "immediately, pushed by the channel"),
    Mode.CSV_UPLOAD: ("CSV upload", 5, "CSV-Import", "a CSV file is uploaded"),
    Mode.PARTNER_API: ("partner API", 6, "über eine Partner-API", "through a (paid) partner API"),
    Mode.EMAIL: ("e-mail", 7, "per E-Mail", "the buyer or shop is told by e-mail"),
    Mode.CSV_URL: ("CSV from URL", 11, "CSV-Datei per URL", "a CSV file fetched from a URL"),
    Mode.API: ("API", None, "über die API des Kanals", "pushed through the channel's own API"),
}


@dataclass(frozen=True, slots=True)
class SeedSystem:
    """One row of the seed's table. ``systems`` are the connector ids that would serve it."""

    group: str
    name: str
    marks: str  # the footnote marks of its row, as the seed printed them
    systems: tuple[str, ...] = ()
    note: str = ""
    closed: bool = False  # the platform no longer exists


_M, _S, _E, _F = "marketplace", "shop", "erp", "files"
SEED_SYSTEMS: tuple[SeedSystem, ...] = (
    SeedSystem(_M, "Amazon", "(1) (7) / -", ("amazon",)),
    SeedSystem(_M, "DaWanda", "(3) (8) / (8)", note="closed in 2018", closed=True),
    SeedSystem(_M, "Dohero", "(1) (7) (7) /", ("dohero",)),
    SeedSystem(_M, "eBay", "(1,4) (7) / -", ("ebay",)),
    SeedSystem(_M, "Etsy", "(1) (7) /", ("etsy",)),
    SeedSystem(_M, "Hood", "(1) (7) /", ("hood",), "hood.de"),
    SeedSystem(_M, "idealo", "(1) (7)", ("idealo",), "idealo Direktkauf"),
    SeedSystem(_M, "kayamo", "(1) (7)", ("kayamo",)),
    SeedSystem(_M, "Not on the highstreet", "(1) (7)", ("notonthehighstreet",)),
    SeedSystem(_M, "Rakuten", "(1) (7) / -", note="Rakuten.de closed in 2020", closed=True),
    SeedSystem(_M, "yatego", "(1) (11) / -", ("csv", "yatego"), "CSV from a URL (11) today; the API (1) is planned"),
    SeedSystem(_M, "real.de", "(1) (7) /", ("kaufland",), "now Kaufland.de (Kaufland Marketplace Seller API)"),
    SeedSystem(_M, "Wish", "(1) (7) /", ("wish",)),
    SeedSystem(_S, "Avocadostore", "(2) (7) (7) (11) / -", ("email", "csv"), "order mails (2), CSV export (11)"),
    SeedSystem(_S, "Azoo.co", "(1) (7) (7)", ("azoo",)),
    SeedSystem(_S, "Bigcartel", "(3) (7) (7)", ("bigcartel",)),
    SeedSystem(_S, "commerce:SEO", "(1) (7) (7)", ("commerce_seo",)),
    SeedSystem(_S, "ECWID", "(1) (7) Demnächst / -", ("ecwid",), "the seed marks one column 'coming soon'"),
    SeedSystem(_S, "ePages", "(3) (7) /", ("epages",), "Strato, 1&1, ..."),
    SeedSystem(_S, "Gambio", "(1) (7) (7) / -", ("gambio",)),
    SeedSystem(_S, "Gambio GX3", "(1) (7) (7) / -", ("gambio",)),
    SeedSystem(_S, "interAKTIVnet", "(1) (7)", ("interaktivnet",)),
    SeedSystem(_S, "Inventorum", "(1) (7) /", ("inventorum",)),
    SeedSystem(_S, "Jimdo", "(2/5) (7) (7)", ("email", "csv"), "order mails (2), CSV upload (5)"),
    SeedSystem(
        _S,
        "Magento",
        "(1) (7) / -",
        ("magento2",),
        "Magento 2 / Adobe Commerce; Magento 1 reached its end of life in 2020",
    ),
    SeedSystem(_S, "opencart", "(6) (7) /", ("opencart",)),
    SeedSystem(_S, "Oxid", "(7)", ("oxid",)),
    SeedSystem(_S, "PayPal", "(1) (7) (7)", ("paypal",)),
    SeedSystem(_S, "PrestaShop", "(1) (7) / -", ("prestashop",)),
    SeedSystem(_S, "SEOshop / Lightspeed", "(1) (9) (7) / Demnächst", ("lightspeed",)),
    SeedSystem(_S, "serverspot", "(1) (7) (7)", ("serverspot",)),
    SeedSystem(
        _S,
        "Shopware 4 & 5",
        "(1) (7) / -",
        ("shopware5", "shopware6"),
        "Shopware 5 (the REST API of 4 and 5), and its successor Shopware 6",
    ),
    SeedSystem(_S, "Shopify", "(3) (7) / -", ("shopify",)),
    SeedSystem(_S, "VersaCommerce", "(1) (7) /", ("versacommerce",)),
    SeedSystem(_S, "WooCommerce", "(3) (7) /", ("woocommerce",)),
    SeedSystem(_S, "xtCommerce", "(1) (7) (7)", ("xtcommerce",)),
    SeedSystem(_S, "WIX.com", "(2/5) (7) (7)", ("email", "csv"), "order mails (2), CSV upload (5)"),
    SeedSystem(_S, "1und1 (alt)", "(5) (7) (7)", ("csv",), "the old 1&1 shop; CSV import"),
    SeedSystem(_E, "Afterbuy", "(10)", ("afterbuy",)),
    SeedSystem(_E, "PlentyMarkets", "(1)(12) (12) (7)(12) (7)(12) (12)", ("plentymarkets",)),
    SeedSystem(_E, "WISO Mein Büro", "", ("wiso_meinbuero",)),
    SeedSystem(_F, "Textalk", "", ("textalk",), "data import in the Textalk format"),
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def mode_words(decl: CapabilityDecl) -> str:
    """One cell: '✓ poll (1), webhook (3)'."""
    words = []
    for mode in decl.modes:
        word, mark, _, _ = _MODES[mode]
        words.append(f"{word} ({mark})" if mark else word)
    item_level = ", Positionen / item-level" if decl.item_level else ""
    return "✓ " + ", ".join(words) + item_level


def _sorted(connectors: Mapping[str, type[Connector]]) -> list[type[Connector]]:
    order = list(_GROUPS)
    return sorted(connectors.values(), key=lambda c: (order.index(c.group), c.display_name.casefold(), c.system))


def render_matrix(connectors: Mapping[str, type[Connector]]) -> str:
    """The capability table: one row per connector, grouped by group; '—' where a capability is not offered."""
    if not connectors:
        return "_Noch kein Konnektor installiert. / No connector is installed yet._\n"
    head = ["System", "Gruppe / Group", *(f"{c.title_de} / {c.title}" for c in Capability)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    notes = []
    for cls in _sorted(connectors):
        decls = {d.capability: d for d in cls.capabilities}
        cells = [f"{_cell(cls.display_name)} (`{cls.system}`)", _GROUPS[cls.group]]
        cells += [mode_words(decls[c]) if c in decls else "—" for c in Capability]
        lines.append("| " + " | ".join(cells) + " |")
        notes += [
            f"- {cls.display_name}, {d.capability.title}: {' '.join(d.note.split())}"
            for d in cls.capabilities
            if d.note
        ]
    return "\n".join(lines + ([""] + notes if notes else [])) + "\n"


def render_modes() -> str:
    lines = ["| Zeichen / Mark | Modus / Mode | Bedeutung | Meaning |", "|---|---|---|---|"]
    for word, mark, de, en in _MODES.values():
        lines.append(f"| {f'({mark})' if mark else ''} | {word} | {de} | {en} |")
    return "\n".join(lines) + "\n"


def render_seed(connectors: Mapping[str, type[Connector]]) -> str:
    """The seed's systems and whether a connector serves each yet."""
    lines = ["| Gruppe / Group | System | Seed | Status | Hinweis / Note |", "|---|---|---|---|---|"]
    for row in SEED_SYSTEMS:
        present = [s for s in row.systems if s in connectors]
        if present:
            status = "✓ " + ", ".join(f"`{s}`" for s in present)
            missing = [s for s in row.systems if s not in connectors]
            if missing:
                status += "; geplant / planned: " + ", ".join(f"`{s}`" for s in missing)
        else:
            status = "geschlossen / closed" if row.closed else "geplant / planned"
        cells = [_GROUPS[row.group], row.name, row.marks, status, row.note]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def render_docs(connectors: Mapping[str, type[Connector]] | None = None) -> str:
    """The whole of docs/channels.md. By default: the connectors shipped in the ordersync package (plugins
    installed elsewhere and classes registered by tests are not part of the project's docs)."""
    if connectors is None:
        from .registry import all_connectors

        connectors = {k: v for k, v in all_connectors().items() if v.__module__.startswith("ordersync.")}
    return "\n".join(
        [
            "# Kanäle / Channels",
            "",
            "<!-- Generated from the connectors' declarations by `ordersync docs`. Do not edit by hand. -->",
            "",
            "What each connector does, by the seven capabilities of the seed, and how (the numbers are the seed's "
            "footnotes, explained below the table).",
            "",
            render_matrix(connectors),
            "## Modi / Modes",
            "",
            render_modes(),
            "## Systeme der Vorlage / Seed systems",
            "",
            "The systems Billbee's manual lists, with the marks of their row, and which of them ordersync serves "
            "yet. Closed platforms are reached through their successor where one exists.",
            "",
            render_seed(connectors),
            "Marks of the seed not used above: (4) eBay: only sales with a completed checkout; (8) DaWanda only, "
            "with its alternative fee model; (9) only for few articles; (10) rudimentary; (12) plentymarkets only, "
            'Classic tariff (SOAP API); "Demnächst" = coming soon; "/ -" in the stock column = stock can be set, '
            "articles cannot be uploaded.",
            "",
        ]
    )


def write_docs(path: Path | str = DOCS_PATH) -> Path:
    """Write docs/channels.md (or ``path``) and return where it went."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_docs(), encoding="utf-8", newline="\n")
    return path


if __name__ == "__main__":
    print(write_docs())
