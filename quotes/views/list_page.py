"""The quotes list: filtered by status, searched, a page at a time."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from payment_requests.access import billing_access_required
from payment_requests.dashboard import search_text
from quotes.models import Quote

PAGE_SIZE = 25


def matching(status: str, text: str):
    rows = Quote.objects.select_related("client", "invoice")
    if status:
        rows = rows.filter(status=status)
    if text:
        rows = rows.filter(
            Q(number__icontains=text)
            | Q(title__icontains=text)
            | Q(notes__icontains=text)
            | Q(client__name__icontains=text)
            | Q(client__company__icontains=text)
        )
    return rows.order_by("-created_at", "-pk")


@billing_access_required
@require_GET
def quote_list(request):
    status = request.GET.get("status", "")
    status = status if status in Quote.Status.values else ""
    query = search_text(request.GET.get("q", ""))
    page = Paginator(matching(status, query), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "status": status,
        "statuses": Quote.Status.choices,
    }
    return render(request, "quotes/list.html", context)
