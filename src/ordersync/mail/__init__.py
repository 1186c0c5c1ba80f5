"""Outgoing e-mail: SMTP per account, templates with placeholders, and mail to buyers through the outbox."""

from .notices import deliver, notify_enabled, queue
from .smtp import SmtpConfig
from .templates import KINDS, LANGUAGES, PLACEHOLDERS, Template, TemplateError

__all__ = ["KINDS", "LANGUAGES", "PLACEHOLDERS", "SmtpConfig", "Template", "TemplateError", "deliver",
           "notify_enabled", "queue"]
