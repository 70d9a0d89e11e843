"""The account's catalog: the products and services its documents' lines are picked from.

A line copies what it needs from its product when it is written (``line_from_product``), so a
product changed or archived later never changes a document. Archived products stay (lines
point at them) but are no longer found by search nor offered for new lines.

Search ignores case and accents in PostgreSQL: each searched column is indexed as
``public.immutable_unaccent(lower(column))`` with a trigram GIN index, and ``matching`` filters
on exactly that expression so the index answers (migration 0001 creates the function and
the ``unaccent`` and ``pg_trgm`` extensions in the public schema, which every account's
search path ends with).
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from billing_saas.currencies import CURRENCIES

MAX_WORDS = 5  # of a search: more words would only make the query longer, not better


class SearchKey(models.Func):
    """``text`` lower-cased and without accents: "Café CRÈME" → "cafe creme". The same
    expression is indexed, so a filter on it can use the index."""

    function = "public.immutable_unaccent"
    output_field = models.TextField()

    def __init__(self, expression, **extra):
        super().__init__(Lower(expression), **extra)


class ProductQuerySet(models.QuerySet):
    def active(self) -> ProductQuerySet:
        return self.filter(is_archived=False)

    def matching(self, text: str) -> ProductQuerySet:
        """Products whose name or description contains every word of ``text``, whatever the
        case and accents ("cafe" finds "Café crème"); all of them without ``text``."""
        words = text.split()[:MAX_WORDS]
        if not words:
            return self
        rows = self.alias(name_key=SearchKey("name"), description_key=SearchKey("description"))
        for word in words:
            wanted = SearchKey(Value(word))
            rows = rows.filter(Q(name_key__contains=wanted) | Q(description_key__contains=wanted))
        return rows


class Product(models.Model):
    class Unit(models.TextChoices):
        HOUR = "hour", _("hour")
        DAY = "day", _("day")
        WEEK = "week", _("week")
        MONTH = "month", _("month")
        YEAR = "year", _("year")
        ITEM = "item", _("item")
        UNIT = "unit", _("unit")
        PROJECT = "project", _("project")
        SESSION = "session", _("session")
        KILOGRAM = "kg", _("kilogram")
        METRE = "m", _("metre")
        SQUARE_METRE = "m2", _("square metre")
        LITRE = "l", _("litre")

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    unit_price = models.DecimalField(
        _("unit price"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, blank=True)
    tax_rates = models.ManyToManyField(
        "payment_requests.TaxRate", verbose_name=_("taxes"), related_name="+", blank=True
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        indexes = [
            # The list and the suggestions: active (or archived) products in name order.
            models.Index(fields=["is_archived", "name", "id"], name="product_by_name"),
            GinIndex(OpClass(SearchKey("name"), name="gin_trgm_ops"), name="product_name_trgm"),
            GinIndex(
                OpClass(SearchKey("description"), name="gin_trgm_ops"),
                name="product_description_trgm",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="product_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name
