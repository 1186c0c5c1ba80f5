"""Errors in words a seller understands, in their language.

The engine's messages are written for operators ("setting 'url': 'x' is not an http(s) URL"); the UI puts a
plain sentence in the user's language in front of them and keeps the detail, because the detail (which
field, what the shop answered) is what a seller needs to fix it.
"""

from __future__ import annotations

import httpx

from ...channels.sdk.errors import (
    AuthError,
    ChannelError,
    NotFoundError,
    RateLimited,
    TransientError,
)
from ...channels.sdk.settings import SettingsError
from ...sync.hub import HubError
from .i18n import Translator

_KNOWN = {
    "carrier and tracking number are both required": "Enter both the carrier and the tracking number.",
    "the message is empty": "The message is empty.",
    "this order's channel cannot receive messages": "This order's channel cannot receive messages.",
    "the current password is not correct": "The current password is not correct.",
    "the new password is the same as the current one": "The new password is the same as the current one.",
    "the password is too short: use at least 10 characters": "Choose a password of at least 10 characters.",
    "the password must not begin or end with spaces": "The password must not begin or end with spaces.",
    "the account needs at least one owner": "The account needs at least one owner.",
    "the account's last owner cannot be deleted": "The account's last owner cannot be removed.",
    "a rejection needs a reason": "Enter a reason to reject the order.",
    "this order was accepted or rejected already": "This order was accepted or rejected already.",
    "this order's channel does not take acknowledgements": "This order's channel does not take acknowledgements.",
}


def explain(t: Translator, exc: BaseException) -> str:
    detail = " ".join(str(exc).split())
    if isinstance(exc, RateLimited):
        return t("The channel asks us to slow down. Try again in a minute.")
    if isinstance(exc, AuthError):
        return t("The channel did not accept the access data. Check key and secret and their permissions.") \
            + f" ({detail})"
    if isinstance(exc, NotFoundError):
        return t("The channel does not know this record (any more).") + f" ({detail})"
    if isinstance(exc, (TransientError, httpx.TransportError)):
        return t("The channel could not be reached. Check the address, or try again in a few minutes.") \
            + f" ({detail})"
    if isinstance(exc, ChannelError):
        return t("The channel refused the request.") + f" ({detail})"
    if isinstance(exc, SettingsError):
        return t("A setting is missing or not valid.") + f" ({detail})"
    if isinstance(exc, HubError):
        known = _KNOWN.get(detail)
        return t(known) if known else t("That did not work:") + f" {detail}"
    if isinstance(exc, ValueError):
        return t("That did not work:") + f" {detail}"
    return t("Something went wrong on our side. The error was logged; please try again.")
