"""The hub's web face: webhook intake, the REST API (api/) and the seller's web app (ui/).

Path parameters written ``{name:int}`` match at most 18 digits here: a larger number names no row, and
SQLite cannot even compare with one above 2^63-1 (an OverflowError, i.e. a 500). Such a path is simply not
found. Registered when this package is imported, before any of its routes is compiled.
"""

from starlette.convertors import IntegerConvertor, register_url_convertor


class _BoundedInteger(IntegerConvertor):
    regex = "[0-9]{1,18}"


register_url_convertor("int", _BoundedInteger())
