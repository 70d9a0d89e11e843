"""The client's invoices: the list, one invoice, its PDF and the way to pay it."""

from __future__ import annotations

import functools

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from client_portal import invoices
from client_portal.layout import layout_context
from client_portal.sessions import portal_client_required
from connectors.base import PlatformError
from payment_requests.services import pay_page

PAGE_SIZE = 20


@never_cache
@require_GET
@portal_client_required
def home(request):
    return redirect("client_portal:invoices")


@never_cache
@require_GET
@portal_client_required
def invoice_list(request):
    which = request.GET.get("show", invoices.DEFAULT_FILTER)
    if which not in invoices.FILTERS:
        which = invoices.DEFAULT_FILTER
    found = invoices.shown(request.portal_client, which)
    return render(
        request,
        "client_portal/invoices.html",
        {
            **_layout(request, "invoices"),
            "page": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
            "show": which,
            "filters": [("unpaid", _("Unpaid")), ("paid", _("Paid")), ("all", _("All"))],
        },
    )


def invoice_view(view):
    """The view of one of the signed-in client's invoices, given the invoice: another
    client's, or a draft, is not found; a canceled, expired or deleted one of its own says it
    is no longer available."""

    @functools.wraps(view)
    @never_cache
    @require_GET
    @portal_client_required
    def wrapper(request, pk):
        item = (
            invoices.of_client(request.portal_client)
            .select_related("remote", "connection", "client")
            .prefetch_related("lines__applied_taxes")
            .filter(pk=pk)
            .first()
        )
        if item is None:
            raise Http404
        if not invoices.is_shown(item):
            context = {**_layout(request, "invoices"), "item": item}
            return render(request, "client_portal/invoice_gone.html", context, status=410)
        return view(request, item)

    return wrapper


@invoice_view
def invoice_detail(request, item):
    return _show(request, item)


@invoice_view
def invoice_pdf(request, item):
    from payment_requests.views.pdf import document_pdf

    return document_pdf(request, "invoice", item.pk, layout="layouts/public.html")


@invoice_view
def pay(request, item):
    """To the platform's pay page (a GET: the pay link in the emails is one too)."""
    if not item.is_payable or item.remote is None:
        return redirect("client_portal:invoice", pk=item.pk)
    try:
        url = pay_page.platform_pay_url(item)
    except PlatformError as error:
        return _show(request, item, error=error.message, status=502)
    if not url:
        message = _(
            "Online payment is not available for this invoice. Please contact "
            "%(account)s to pay it (bank transfer or another method)."
        ) % {"account": request.tenant.name}
        return _show(request, item, error=message, no_online_payment=True)
    return redirect(url)


def _show(request, item, **extra):
    from credits.services.applying import live_applications

    credits = live_applications(item).select_related("credit_note").order_by("pk")
    context = {**_layout(request, "invoices"), "item": item, "error": "", "credits": credits,
               **extra}  # fmt: skip
    status = context.pop("status", 200)
    return render(request, "client_portal/invoice.html", context, status=status)


def _layout(request, section: str) -> dict:
    return layout_context(request, section)
