"""What the client sees behind the quote's link: no sign-in, the token is the key. A token
that is not ours, tampered or revoked finds nothing (404); another account's token is not in
this account's schema, so it never opens here."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from billing_saas import languages
from payment_requests.views.pdf import document_pdf
from quotes import services
from quotes.models import Quote
from quotes.services import links

Status = Quote.Status


def _link(token: str):
    link = links.find(token)
    if link is None or link.revoked_at is not None:
        raise Http404
    # The client's pages are in the client's language (staff previews too).
    translation.activate(languages.client_language(link.quote.client))
    return link


def _page(request, token, quote, *, error: str = "", status: int = 200, reason: str = ""):
    return render(
        request,
        "quotes/public.html",
        {
            "quote": quote,
            "token": token,
            "account_name": request.tenant.name,
            "error": error,
            "reason": reason,
        },
        status=status,
    )


@never_cache
@require_GET
def public_quote(request, token):
    link = _link(token)
    quote = services.expire_if_due(link.quote, services.account_today())
    if not request.user.is_authenticated:  # a member's preview is not the client's view
        services.record_client_view(link)
        quote.refresh_from_db(fields=["status", "first_viewed_at"])
    return _page(request, token, quote)


@never_cache
@require_POST
def approve(request, token):
    link = _link(token)
    try:
        quote = services.approve(link.quote_id, request_host=request)
    except services.ActionRefused as refused:
        link.quote.refresh_from_db()
        return _page(request, token, link.quote, error=refused.message, status=409)
    return _to_invoice(request, token, quote)


@never_cache
@require_POST
def pay(request, token):
    """From a converted quote's page: to its invoice's pay page (a fresh pay link)."""
    link = _link(token)
    return _to_invoice(request, token, link.quote)


def _to_invoice(request, token, quote: Quote):
    pay_token = services.pay_token(quote) if quote.status == Status.CONVERTED else None
    if pay_token is None:  # approved, its invoice not out yet (or paid): the page says so
        return redirect("quotes:public", token=token)
    return redirect("payment_requests:public_link", token=pay_token)


@never_cache
@require_POST
def decline(request, token):
    link = _link(token)
    reason = request.POST.get("reason", "")
    try:
        services.decline(link.quote_id, reason)
    except services.ActionRefused as refused:
        link.quote.refresh_from_db()
        return _page(
            request, token, link.quote, error=refused.message, status=400, reason=reason[:1000]
        )
    return redirect("quotes:public", token=token)


@never_cache
@require_GET
def public_pdf(request, token):
    link = _link(token)
    return document_pdf(request, "quote", link.quote_id, layout="layouts/public.html")
