"""XML requests and answers on lxml, with every way for a document to reach beyond itself shut.

XML APIs (eBay Trading, Amazon feeds, Afterbuy, several shop systems) are read through :func:`parse`, which
refuses any document that carries a DOCTYPE: that is where external entities (XXE, reading local files or
calling internal URLs) and entity expansion bombs ("billion laughs") live, and no API answer needs one. The
parser itself also resolves no entities, loads no DTD, opens no network connection and keeps libxml2's
limits on huge documents, so a refusal does not depend on the DOCTYPE check alone.

Requests are built from plain data by :func:`build`, so no connector concatenates XML strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from lxml import etree


class UnsafeXML(ValueError):
    """The document declares a DTD or entities; refused before anything in it is used."""


class InvalidXML(ValueError):
    """The bytes are not well-formed XML."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse(content: bytes | str) -> etree._Element:
    """The root element of ``content``; UnsafeXML for any DOCTYPE or entity, InvalidXML if malformed."""
    raw = content.encode() if isinstance(content, str) else content
    try:
        root = etree.fromstring(raw, parser=_parser())
    except etree.XMLSyntaxError as exc:
        if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
            raise UnsafeXML(f"XML with a DOCTYPE or entity declarations is refused: {exc}") from None
        raise InvalidXML(f"not well-formed XML: {exc}") from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise UnsafeXML("XML with a DOCTYPE is refused (external entities and entity expansion live there)")
    for node in root.iter():
        if isinstance(node, etree._Entity):
            raise UnsafeXML(f"XML entity reference &{node.name}; is refused")
    return root


def local(tag: Any) -> str:
    """A tag without its ``{namespace}``."""
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def find_text(root: etree._Element, *names: str, default: str | None = None) -> str | None:
    """Text of the first element reached by following ``names`` (local names, any namespace) down from
    ``root``; ``default`` when there is none. eBay and Amazon answers are namespaced; callers need not be."""
    found = _descend(root, names)
    return found[0].text.strip() if found and found[0].text is not None else default


def find_all(root: etree._Element, *names: str) -> list[etree._Element]:
    """Every element reached by following ``names`` (local names) down from ``root``."""
    return _descend(root, names)


def _descend(root: etree._Element, names: tuple[str, ...]) -> list[etree._Element]:
    level = [root]
    for name in names:
        level = [child for node in level for child in node if local(child.tag) == name]
    return level


def build(tag: str, data: Mapping[str, Any], *, namespace: str | None = None) -> etree._Element:
    """An element tree from data: a mapping's keys become child elements (``@name`` keys attributes, ``#text``
    the element's own text), a list repeats its element, None leaves the element out, and scalars become
    text (True/False as ``true``/``false``, Decimal as written)."""
    root = etree.Element(_qualified(tag, namespace), nsmap={None: namespace} if namespace else None)
    _fill(root, data, namespace)
    return root


def _fill(element: etree._Element, value: Any, namespace: str | None) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if item is None:
                continue
            if key.startswith("@"):
                element.set(key[1:], _text(item))
            elif key == "#text":
                element.text = _text(item)
            else:
                for one in item if isinstance(item, list) else [item]:
                    _fill(etree.SubElement(element, _qualified(key, namespace)), one, namespace)
    else:
        element.text = _text(value)


def _qualified(tag: str, namespace: str | None) -> str:
    return f"{{{namespace}}}{tag}" if namespace else tag


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def serialize(element: etree._Element) -> bytes:
    """UTF-8 bytes with an XML declaration, as request bodies are sent."""
    body: bytes = etree.tostring(element, xml_declaration=True, encoding="UTF-8")
    return body
