"""Articles and stock: the list with search, one article with its channel listings and stock history, and
setting or correcting its stock (``sync.stock.correct``, which also queues the new value for every channel)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from fastapi import APIRouter, Depends, Request

from ... import readmodel
from ...sync import stock
from ...sync.hub import HubError
from .deps import Page, not_found, redirect, render, viewer, writer
from .errors import explain

router = APIRouter(include_in_schema=False)


@router.get("/articles")
def articles(request: Request, q: str = "", page: Page = Depends(viewer)):
    raw = request.query_params.get("page", "1")
    number = int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) <= 1_000_000 else 1
    result = readmodel.list_articles(page.hub, page.account_id, q.strip()[:200], page=number, page_size=50)
    if number > result.pages:
        number = result.pages
        result = readmodel.list_articles(page.hub, page.account_id, q.strip()[:200], page=number, page_size=50)
    return render(page, "articles/list.html", result=result, q=q)


@router.get("/articles/{article_id:int}")
def article(article_id: int, page: Page = Depends(viewer)):
    detail = readmodel.get_article(page.hub, page.account_id, article_id)
    if detail is None:
        raise not_found()
    return render(page, "articles/detail.html", a=detail)


@router.post("/articles/{article_id:int}/stock")
def correct_stock(article_id: int, page: Page = Depends(writer)):
    detail = readmodel.get_article(page.hub, page.account_id, article_id, movements=0)
    if detail is None:
        raise not_found()
    mode = page.form.get("mode", "set")
    if mode not in ("set", "add", "remove"):
        mode = "set"
    try:
        quantity = Decimal(page.form.get("quantity", "").strip().replace(",", "."))
        if not quantity.is_finite() or quantity < 0:
            raise InvalidOperation
    except InvalidOperation:
        page.flash("Enter a quantity of 0 or more.", "error")
        return redirect(f"/articles/{article_id}")
    reason = page.form.get("reason", "").strip()[:200] or page.t("Correction in the web app")
    try:
        avail, queued = stock.correct(page.hub, detail.sku, mode, quantity, reason=reason, account=page.account)
    except (HubError, ValueError) as exc:
        page.flash(explain(page.t, exc), "error")
        return redirect(f"/articles/{article_id}")
    page.flash(
        "Stock saved: {available} available; {n} channel listings will be updated.",
        available=page.t.num(avail.available),
        n=queued,
    )
    return redirect(f"/articles/{article_id}")
