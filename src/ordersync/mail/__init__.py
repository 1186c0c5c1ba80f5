"""Outgoing e-mail: SMTP per account and templates with placeholders. The buyer notices the engine queues
through the outbox are sync/mail_notices.py."""

from .smtp import SmtpConfig
from .templates import KINDS, LANGUAGES, PLACEHOLDERS, Template, TemplateError

__all__ = ["KINDS", "LANGUAGES", "PLACEHOLDERS", "SmtpConfig", "Template", "TemplateError"]
