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
from .i18n import N_, Translator

_KNOWN = {
    "carrier and tracking number are both required": N_("Enter both the carrier and the tracking number."),
    "the message is empty": N_("The message is empty."),
    "this order's channel cannot receive messages": N_("This order's channel cannot receive messages."),
    "the current password is not correct": N_("The current password is not correct."),
    "the new password is the same as the current one": N_("The new password is the same as the current one."),
    "the password is too short: use at least 10 characters": N_("Choose a password of at least 10 characters."),
    "the password must not begin or end with spaces": N_("The password must not begin or end with spaces."),
    "the account needs at least one owner": N_("The account needs at least one owner."),
    "the account's last owner cannot be deleted": N_("The account's last owner cannot be removed."),
    "a rejection needs a reason": N_("Enter a reason to reject the order."),
    "this order was accepted or rejected already": N_("This order was accepted or rejected already."),
    "this order's channel does not take acknowledgements": N_("This order's channel does not take acknowledgements."),
}


def explain(t: Translator, exc: BaseException) -> str:
    detail = " ".join(str(exc).split())
    if isinstance(exc, RateLimited):
        return t("The channel asks us to slow down. Try again in a minute.")
    if isinstance(exc, AuthError):
        return (
            t("The channel did not accept the access data. Check key and secret and their permissions.")
            + f" ({detail})"
        )
    if isinstance(exc, NotFoundError):
        return t("The channel does not know this record (any more).") + f" ({detail})"
    if isinstance(exc, (TransientError, httpx.TransportError)):
        return t("The channel could not be reached. Check the address, or try again in a few minutes.") + f" ({detail})"
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
