"""The client's quotes: the list, one quote, and its answer (approve in one click, or decline
saying why). The answers are the quotes app's own (``quotes.services.approval``), as on the
quote's emailed page: approving makes the invoice and sends it, then the client goes to pay."""

from __future__ import annotations

import functools

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from client_portal.layout import layout_context
from client_portal.sessions import portal_client_required
from quotes import services
from quotes.models import Quote

Status = Quote.Status
PAGE_SIZE = 20
# The portal asks for a short reason; the quotes app keeps up to its own MAX_REASON.
MAX_REASON = 500


def of_client(client):
    """The client's quotes it was sent: never a draft."""
    return Quote.objects.filter(client=client).exclude(status=Status.DRAFT)


@never_cache
@require_GET
@portal_client_required
def quote_list(request):
    found = of_client(request.portal_client).order_by("-sent_at", "-pk")
    return render(
        request,
        "client_portal/quotes.html",
        {
            **layout_context(request, "quotes"),
            "page": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
        },
    )


def quote_view(view):
    """The view of one of the signed-in client's sent quotes; another client's, or a draft,
    is not found. A quote past its validity is expired first, as its emailed page does."""

    @functools.wraps(view)
    @never_cache
    @portal_client_required
    def wrapper(request, pk):
        quote = of_client(request.portal_client).filter(pk=pk).first()
        if quote is None:
            raise Http404
        quote = services.expire_if_due(quote, services.account_today())
        return view(request, quote)

    return wrapper


@require_GET
@quote_view
def quote_detail(request, quote):
    return _show(request, quote)


@require_POST
@quote_view
def approve(request, quote):
    try:
        quote = services.approve(quote.pk, request_host=request)
    except services.ActionRefused as refused:
        quote.refresh_from_db()
        return _show(request, quote, error=refused.message, status=409)
    invoice = quote.invoice
    if quote.status == Status.CONVERTED and invoice.is_payable and invoice.remote_id:
        return redirect("client_portal:pay", pk=invoice.pk)  # on to the platform's pay page
    return redirect("client_portal:quote", pk=quote.pk)  # its invoice not out yet: says so


@require_POST
@quote_view
def decline(request, quote):
    reason = request.POST.get("reason", "").strip()
    error = ""
    if not reason:
        error = _("Tell us why you decline this quote.")
    elif len(reason) > MAX_REASON:
        error = _("Please keep your reason under %(count)d characters.") % {"count": MAX_REASON}
    if not error:
        try:
            services.decline(quote.pk, reason)
        except services.ActionRefused as refused:
            error = refused.message
    if error:
        quote.refresh_from_db()
        return _show(request, quote, error=error, status=400, reason=reason[:MAX_REASON])
    return redirect("client_portal:quote", pk=quote.pk)


def _show(request, quote, *, error="", status=200, reason=""):
    context = {
        **layout_context(request, "quotes"),
        "quote": quote,
        "error": error,
        "reason": reason,
        "max_reason": MAX_REASON,
    }
    return render(request, "client_portal/quote.html", context, status=status)
