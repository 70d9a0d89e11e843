"""The account's products and services: the list, the form, archiving; and for the quote
builder, search-as-you-type suggestions and creating a product without leaving the quote
(both answer JSON)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing_saas.money_format import format_money
from connectors.money import round_to_minor
from payment_requests.access import billing_access_required
from payment_requests.models import TaxRate
from products import services
from products.forms import ProductForm
from products.models import Product

PAGE_SIZE = 25
MAX_QUERY = 100
SUGGESTIONS = 8


def search_text(value: str) -> str:
    """Search text, bounded (what PostgreSQL cannot store never gets this far: input_guard)."""
    return (value or "").strip()[:MAX_QUERY]


def with_taxes(rows):
    return rows.prefetch_related(Prefetch("tax_rates", queryset=TaxRate.objects.order_by("name")))


@billing_access_required
@require_GET
def product_list(request):
    query = search_text(request.GET.get("q", ""))
    archived = request.GET.get("show") == "archived"
    rows = with_taxes(Product.objects.filter(is_archived=archived).matching(query))
    page = Paginator(rows.order_by("name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "archived": archived}
    return render(request, "products/list.html", context)


@billing_access_required
@require_http_methods(["GET", "POST"])
def product_form(request, pk=None):
    product = get_object_or_404(Product, pk=pk) if pk else None
    initial = {} if product else {"currency": services.default_currency()}
    form = ProductForm(request.POST or None, instance=product, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = services.save_product(form)
        messages.success(request, _("%(name)s saved.") % {"name": saved.name})
        return redirect("products:list")
    return render(request, "products/form.html", {"form": form, "product": product})


@billing_access_required
@require_POST
def archive(request, pk):
    product = services.set_archived(get_object_or_404(Product, pk=pk), archived=True)
    messages.success(
        request,
        _("%(name)s archived: no longer offered on new lines.") % {"name": product.name},
    )
    return redirect("products:list")


@billing_access_required
@require_POST
def restore(request, pk):
    product = services.set_archived(get_object_or_404(Product, pk=pk), archived=False)
    messages.success(request, _("%(name)s is offered again.") % {"name": product.name})
    return redirect(reverse("products:list") + "?show=archived")


def as_json(product: Product) -> dict:
    """What the quote builder needs to add a line: the price both exact and as the reader
    writes it."""
    return {
        "id": product.pk,
        "name": product.name,
        "description": product.description,
        # In the currency's own decimals: "12.50" EUR, "1200" JPY.
        "unit_price": str(round_to_minor(product.unit_price, product.currency)),
        "unit_price_display": format_money(product.unit_price, product.currency),
        "currency": product.currency,
        "unit": product.unit,
        "unit_label": product.get_unit_display(),
        "tax_rate_ids": [rate.pk for rate in product.tax_rates.all()],
    }


@billing_access_required
@require_GET
def suggestions(request):
    """A few active products matching what was typed, never the whole catalog."""
    text = search_text(request.GET.get("q", ""))
    rows = with_taxes(Product.objects.active().matching(text)).order_by("name", "pk")
    return JsonResponse({"products": [as_json(product) for product in rows[:SUGGESTIONS]]})


@billing_access_required
@require_POST
def create_inline(request):
    """The quote builder's "+": a new product from its form, answered with the product
    (201), or with what is wrong, field by field (400, nothing created)."""
    data = request.POST.copy()
    if not data.get("currency"):  # the builder sends the quote's; else the account's
        data["currency"] = services.default_currency()
    form = ProductForm(data)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    product = services.save_product(form)
    return JsonResponse(as_json(product), status=201)
