"""Buyer and addresses. Street and house number are kept apart, as German carriers and Billbee need them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pycountry

from .street import split_street


def check_country(code: str | None) -> str | None:
    """Normalise an ISO 3166-1 alpha-2 code; empty stays None, anything unknown is an error."""
    if not code:
        return None
    code = code.strip().upper()
    if not _is_country(code):
        raise ValueError(f"country: {code!r} is not an ISO 3166-1 alpha-2 code")
    return code


@lru_cache(maxsize=512)
def _is_country(code: str) -> bool:
    """pycountry's answer, asked once per code (see ``money._is_currency``): two addresses an order."""
    return pycountry.countries.get(alpha_2=code) is not None


@dataclass(slots=True)
class Address:
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    street: str = ""
    house_number: str = ""
    line2: str = ""
    zip: str = ""
    city: str = ""
    state: str = ""
    country: str | None = None
    email: str = ""
    phone: str = ""

    def __post_init__(self) -> None:
        self.country = check_country(self.country)

    @classmethod
    def from_lines(cls, line1: str, line2: str = "", *, country: str | None = None, **fields: str) -> Address:
        """Build an address from a shop's free-text street line, splitting off the house number."""
        street, number = split_street(line1 or "")
        if not number and line2:
            # Some buyers type the number into the second line ("Hauptstr." / "12").
            street2, number2 = split_street(f"{street} {line2}")
            if number2 and street2 == street:
                return cls(street=street, house_number=number2, country=country, **fields)
        return cls(street=street, house_number=number, line2=line2 or "", country=country, **fields)

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


@dataclass(slots=True)
class Buyer:
    external_id: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
