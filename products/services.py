"""The account's products and services: saved, archived and restored; and a line's first
values taken from a product."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import get_territory_currencies
from django.db import transaction
from django.utils import timezone

from billing_saas import languages
from billing_saas.currencies import CURRENCY_CODES
from payment_requests.services.lines import LineDraft
from products.models import Product

FALLBACK_CURRENCY = "EUR"  # what documents default to as well


def default_currency() -> str:
    """A new product's currency: the one of the account's country when we bill in it
    (CAD in Canada, CHF in Switzerland), else the documents' default."""
    country = getattr(languages.active_tenant(), "country", "") or ""
    if country:
        for code in get_territory_currencies(country):
            if code in CURRENCY_CODES:
                return code
    return FALLBACK_CURRENCY


def save_product(form) -> Product:
    """``form`` is a valid ``ProductForm`` (a new product, or changes to one)."""
    return form.save()


def set_archived(product: Product, archived: bool) -> Product:
    """Archived: no longer found by search nor offered on new lines; lines already written
    keep what they copied from it. Restoring brings it back as it was."""
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        if product.is_archived != archived:
            product.is_archived = archived
            product.archived_at = timezone.now() if archived else None
            product.save(update_fields=["is_archived", "archived_at", "updated_at"])
    return product


def line_from_product(product: Product, quantity: Decimal = Decimal(1)) -> LineDraft:
    """A new line's values from ``product``: its name, price, unit and still-active tax rates,
    copied (the line is saved with them and its ``product``; later changes to the product do
    not reach it). The caller checks that the product's currency is the document's."""
    return LineDraft(
        description=product.name,
        quantity=quantity,
        unit_price=product.unit_price,
        tax_rates=tuple(product.tax_rates.filter(active=True).order_by("name", "rate", "pk")),
        unit=product.unit,
        product=product,
    )
