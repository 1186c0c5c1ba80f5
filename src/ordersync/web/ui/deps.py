"""What every UI route needs: the hub, the logged-in user, their language, the CSRF check, and rendering.

Routes declare who may call them with one dependency: ``viewer`` (any logged-in user), ``member`` (any
logged-in user posting a form: own password, language, API keys), ``writer`` (owner or staff posting) and
``owner`` (connection credentials). Every POST dependency checks the CSRF token before the route runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from ... import accounts
from ...domain import OrderState
from ...sync.hub import Hub
from ...telemetry.context import note
from .history import readable
from .i18n import Translator, pick_locale
from .queries import session_stamp
from .security import csrf_ok, new_token

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))


def _takes_uploads(system: str) -> bool:
    """For the shop tabs: whether the connection's connector declares file uploads (its Import tab)."""
    from ...channels.registry import all_connectors
    from ...sync.uploads import takes_uploads

    cls = all_connectors().get(system)  # a connection whose plugin is gone has no tab, and no error page
    return cls is not None and takes_uploads(cls)


TEMPLATES.env.globals["takes_uploads"] = _takes_uploads


def _reader(ctx) -> Translator:
    """The page's translator: every page renders with ``t`` (``render`` puts it in), in the reader's language."""
    return ctx["t"]


# Dates, numbers and money in the reader's language (ordersync.formatting): {{ o.created_at|datetime }},
# {{ o.total|money(o.currency) }}, {{ a.on_hand|number }}, {{ o.created_at|date }}.
TEMPLATES.env.filters.update(
    {
        "datetime": pass_context(lambda ctx, value: _reader(ctx).dt(value)),
        "date": pass_context(lambda ctx, value: _reader(ctx).date(value)),
        "money": pass_context(lambda ctx, value, currency: _reader(ctx).money(value, currency)),
        "number": pass_context(lambda ctx, value: _reader(ctx).num(value)),
    }
)


class LoginRequired(Exception):
    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class UIError(Exception):
    """Shown to the seller as a page in their language; ``message`` is an English msgid of the catalog."""

    def __init__(self, status: int, message: str, **values: object) -> None:
        super().__init__(message)
        self.status, self.message, self.values = status, message, values


def not_found() -> UIError:
    return UIError(404, "This page does not exist, or it belongs to another account.")


@dataclass
class Page:
    request: Request
    hub: Hub
    session: dict
    user: accounts.UserInfo | None
    t: Translator
    form: dict[str, Any] = field(default_factory=dict)
    form_lists: dict[str, list[str]] = field(default_factory=dict)

    @property
    def member(self) -> accounts.UserInfo:
        """The signed-in user, for pages behind ``viewer``, ``member``, ``writer`` or ``owner``."""
        if self.user is None:
            raise LoginRequired("/")
        return self.user

    @property
    def account_id(self) -> int:
        return self.member.account_id

    @property
    def account(self) -> str:
        return self.member.account_name

    @property
    def can_write(self) -> bool:
        return self.user is not None and accounts.can_write(self.user)

    @property
    def is_owner(self) -> bool:
        return self.user is not None and accounts.is_owner(self.user)

    def flash(self, message: str, kind: str = "ok", **values: object) -> None:
        """A message for the next page. It travels in the session cookie, which browsers cap at 4 KB, so
        long channel errors are shortened and only the last few messages are kept."""
        self._flash(self.t(message, **values), kind)

    def flash_n(self, singular: str, plural: str, count: int, kind: str = "ok", **values: object) -> None:
        """``flash`` for a message with a count in it (the plural form the reader's language needs)."""
        self._flash(self.t.n(singular, plural, count, **values), kind)

    def _flash(self, text: str, kind: str) -> None:
        text = text if len(text) <= 400 else text[:399] + "…"
        self.session["flash"] = [*self.session.get("flash", [])[-5:], [kind, text]]

    def csrf(self) -> str:
        if not self.session.get("csrf"):
            self.session["csrf"] = new_token()
        return self.session["csrf"]


def hub_of(request: Request) -> Hub:
    return request.app.state.ui_hub


def _load_user(request: Request, session: dict) -> accounts.UserInfo | None:
    uid = session.get("uid")
    if not isinstance(uid, int):
        return None
    hub = hub_of(request)
    user = accounts.get_user(hub, uid)
    if user is None or session.get("acc") != user.account_id or session.get("pw") != session_stamp(hub, uid):
        session.clear()  # user deleted, moved to another account, logged out or changed the password since
        return None
    note(account_id=user.account_id)  # the request's log lines name the account from here on
    return user


def _page(request: Request) -> Page:
    session = request.scope.setdefault("session", {})
    user = _load_user(request, session)
    locale = user.locale if user else session.get("lang") or pick_locale(request.headers.get("accept-language"))
    return Page(request, hub_of(request), session, user, Translator(locale))


async def _with_form(page: Page) -> Page:
    form = await page.request.form()
    page.form = {k: v for k, v in form.items() if isinstance(v, str)}
    page.form_lists = {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form}
    if not csrf_ok(page.session, page.form.get("csrf")):
        raise UIError(403, "This form has expired or was not sent from ordersync. Reload the page and try again.")
    return page


def anyone(request: Request) -> Page:
    return _page(request)


async def anyone_posting(request: Request) -> Page:
    return await _with_form(_page(request))


def viewer(request: Request) -> Page:
    page = _page(request)
    if page.user is None:
        raise LoginRequired(str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))
    return page


def _signed_in(request: Request) -> Page:
    page = _page(request)
    if page.user is None:
        raise LoginRequired("/")
    return page


# The role is checked before the body is read: a request that may not post gets its answer without the hub
# first taking in (and parsing) whatever it sent.
async def member(request: Request) -> Page:
    return await _with_form(_signed_in(request))


async def writer(request: Request) -> Page:
    page = _signed_in(request)
    if not page.can_write:
        raise UIError(403, "Your role can only read. Ask the account's owner if you need to change something.")
    return await _with_form(page)


async def owner(request: Request) -> Page:
    page = _signed_in(request)
    if not page.is_owner:
        raise UIError(403, "Only the account's owner can change shop connections.")
    return await _with_form(page)


def render(page: Page, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    flashes = page.session.pop("flash", [])
    base = {
        "page": page,
        "user": page.user,
        "_": page.t,
        "ngettext": page.t.n,
        "t": page.t,
        "locale": page.t.locale,
        "csrf": page.csrf(),
        "flashes": flashes,
        "states": list_states(page.t),
        "path": page.request.url.path,
        "state_name": lambda v: state_label(page.t, v),
        "state_class": state_class,
        "history": lambda event: readable(page.t, event),
    }
    return TEMPLATES.TemplateResponse(page.request, template, base | context, status_code=status)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def login_redirect(next_url: str) -> RedirectResponse:
    return redirect("/login?next=" + quote(next_url, safe="/"))


def list_states(t: Translator) -> list[tuple[int, str]]:
    return [(s.value, s.label(t.locale)) for s in OrderState if s is not OrderState.UNUSED]


def state_label(t: Translator, value: int) -> str:
    try:
        return OrderState(value).label(t.locale)
    except ValueError:
        return str(value)


_STATE_CLASS = {
    1: "blue",
    2: "blue",
    3: "teal",
    4: "green",
    5: "orange",
    8: "red",
    11: "orange",
    12: "red",
    13: "teal",
    15: "orange",
    16: "teal",
    17: "orange",
}


def state_class(value: int) -> str:
    return _STATE_CLASS.get(value, "grey")


def safe_next(url: str | None) -> str:
    """Only local paths: a login link must never send the seller to another site."""
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return "/orders"
