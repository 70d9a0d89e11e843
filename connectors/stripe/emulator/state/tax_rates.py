"""Tax rates."""

from __future__ import annotations


class TaxRatesMixin:
    pass
