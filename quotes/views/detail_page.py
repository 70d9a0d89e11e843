"""A quote's details page and the team's actions on it: send, approve on the client's behalf,
send its invoice again, cancel, expire, PDF."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from notifications.models import Message
from payment_requests.access import billing_access_required
from payment_requests.views.pdf import document_pdf
from quotes import services, states
from quotes.models import Quote
from quotes.services.sending import DOCUMENT

Status = Quote.Status


def quote_with_details(pk: int) -> Quote | None:
    quote = (
        Quote.objects.select_related("client", "invoice", "approved_by", "created_by")
        .prefetch_related("history__actor", "lines__applied_taxes")
        .filter(pk=pk)
        .first()
    )
    if quote is not None:
        quote.deliveries = list(
            Message.objects.filter(document_type=DOCUMENT, document_id=quote.pk).defer("content")
        )
    return quote


@billing_access_required
@require_GET
def detail(request, pk):
    quote = quote_with_details(pk)
    if quote is None:
        raise Http404
    context = {
        "quote": quote,
        "can_cancel": states.can_move(quote.status, Status.CANCELED),
        "can_expire": states.can_move(quote.status, Status.EXPIRED),
        "can_approve": quote.is_open,
    }
    return render(request, "quotes/detail.html", context)


def send_and_report(request, pk):
    try:
        quote = services.send_quote(pk, actor=request.user, request_host=request)
    except services.ActionRefused as refused:
        messages.error(request, _("Not sent: %(reason)s") % {"reason": refused.message})
    else:
        messages.success(
            request,
            _("Quote %(number)s sent to %(email)s.")
            % {"number": quote.number, "email": quote.client.email},
        )
    return redirect("quotes:detail", pk=pk)


@billing_access_required
@require_POST
def send(request, pk):
    get_object_or_404(Quote, pk=pk)
    return send_and_report(request, pk)


def _act(request, pk, action, success: str):
    get_object_or_404(Quote, pk=pk)
    try:
        action()
    except services.ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, success)
    return redirect("quotes:detail", pk=pk)


@billing_access_required
@require_POST
def approve(request, pk):
    """Approved on the client's behalf (a phone call, a signature on paper): recorded as the
    member's approval, and the invoice goes out as if the client had approved."""
    get_object_or_404(Quote, pk=pk)
    try:
        quote = services.approve(pk, actor=request.user, request_host=request)
    except services.ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        _report_conversion(request, quote)
    return redirect("quotes:detail", pk=pk)


@billing_access_required
@require_POST
def send_invoice(request, pk):
    """An approved quote whose invoice did not go out: try again."""
    get_object_or_404(Quote, pk=pk)
    _report_conversion(request, services.convert(pk, request_host=request))
    return redirect("quotes:detail", pk=pk)


def _report_conversion(request, quote: Quote) -> None:
    if quote.status == Status.CONVERTED:
        messages.success(
            request,
            _("Approved. Invoice %(number)s was sent to %(email)s.")
            % {"number": quote.invoice.number, "email": quote.client.email},
        )
    else:
        error = quote.invoice.last_error if quote.invoice else ""
        messages.warning(
            request,
            _("Approved, but the invoice was not sent: %(reason)s") % {"reason": error or "—"},
        )


@billing_access_required
@require_POST
def cancel(request, pk):
    return _act(
        request,
        pk,
        lambda: services.cancel_quote(pk, actor=request.user),
        _("Quote canceled. Its link now says so."),
    )


@billing_access_required
@require_POST
def expire(request, pk):
    return _act(
        request,
        pk,
        lambda: services.expire_quote(pk, actor=request.user),
        _("Quote marked expired. It can no longer be approved."),
    )


@billing_access_required
@never_cache
@require_GET
def pdf(request, pk):
    return document_pdf(request, "quote", pk, layout="layouts/app.html")
