"""The **Review** screen of the seed, between the builder and sending: the quote as the client
will read it, with what to do next: view its PDF, keep it as a draft, save and send it, or
have the client pay on the spot (in person, on this device)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from payment_requests.access import billing_access_required
from quotes import services
from quotes.models import Quote
from quotes.views.detail_page import quote_with_details

Status = Quote.Status
# What can still be reviewed: a draft, or a quote sent and not answered yet.
REVIEWABLE = (Status.DRAFT, Status.SENT, Status.VIEWED)


@billing_access_required
@require_GET
def review(request, pk):
    quote = quote_with_details(pk)
    if quote is None:
        raise Http404
    if quote.status not in REVIEWABLE:
        return redirect("quotes:detail", pk=pk)
    return render(request, "quotes/review.html", {"quote": quote})


@billing_access_required
@require_POST
def pay_now(request, pk):
    """The client is here and pays now: the quote is sent (so the client keeps it by email),
    approved on the client's behalf (recorded as the member's), its invoice sent on the
    platform, and this browser goes to the invoice's pay page for the client to pay."""
    quote = get_object_or_404(Quote, pk=pk)
    try:
        if quote.status == Status.DRAFT:
            services.send_quote(pk, actor=request.user, request_host=request)
        quote = services.approve(pk, actor=request.user, request_host=request)
    except services.ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect("quotes:detail", pk=pk)
    token = services.pay_token(quote) if quote.status == Status.CONVERTED else None
    if token is None:
        messages.warning(
            request,
            _("Approved, but its invoice cannot be paid yet: %(reason)s")
            % {"reason": (quote.invoice.last_error if quote.invoice else "") or "—"},
        )
        return redirect("quotes:detail", pk=pk)
    return redirect("payment_requests:public_link", token=token)
