"""Order forwarding ("Bestellungen weiterleiten"): to a supplier or fulfiller by e-mail or signed HTTP POST,
by hand or by rule, once per order and target. The scheduler calls :func:`apply_rules` and
:func:`dispatch_due`."""

from .queue import dispatch_due, forward_order, list_forwards, retry
from .rules import add_rule, apply_rules, list_rules, remove_rule, set_supplier
from .signing import signature, verify
from .targets import add_target, list_targets, remove_target

__all__ = [
    "add_rule",
    "add_target",
    "apply_rules",
    "dispatch_due",
    "forward_order",
    "list_forwards",
    "list_rules",
    "list_targets",
    "remove_rule",
    "remove_target",
    "retry",
    "set_supplier",
    "signature",
    "verify",
]
