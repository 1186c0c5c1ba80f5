"""Order-mail parsers: a layout-tolerant German reader and the three shop profiles that use it."""

from .shops import SHOPS, ParseOptions, parse_mail

__all__ = ["SHOPS", "ParseOptions", "parse_mail"]
