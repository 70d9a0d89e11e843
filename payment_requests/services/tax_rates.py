"""The account's tax rates: added by billing administrators, deactivated (never deleted:
lines priced with a rate keep its name and percentage in their own copy)."""

from __future__ import annotations

from decimal import Decimal

from payment_requests.models import TaxRate


def add_tax_rate(*, name: str, rate: Decimal) -> TaxRate:
    return TaxRate.objects.create(name=name.strip(), rate=rate)


def set_tax_rate_active(pk: int, *, active: bool) -> None:
    """New lines are offered active rates only; documents already priced do not change."""
    TaxRate.objects.filter(pk=pk).update(active=active)
