"""A document line picked from a product keeps what it was sold with: changing, archiving or
deleting the product later changes no line."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import owner_of
from clients.models import Client
from payment_requests import services
from payment_requests.models import DocumentLine
from products.models import Product
from products.services import line_from_product, set_archived
from products.tests.conftest import make_product, make_rate


def line_as_written(line: DocumentLine) -> tuple:
    taxes = tuple(line.applied_taxes.values_list("name", "rate", "amount"))
    return (line.description, line.quantity, line.unit_price, line.amount, line.unit, taxes)


def write_request(tenant, product, quantity="3"):
    with schema_context(tenant.schema_name):
        return services.create_request(
            actor=owner_of(tenant),
            description="Coaching",
            client=Client.objects.create(name="Ana", email="ana@client.test"),
            currency="EUR",
            due_date=timezone.localdate(),
            lines=[line_from_product(product, Decimal(quantity))],
        )


def test_a_line_from_a_product_copies_its_name_price_unit_and_active_taxes(alpha):
    gst, old = make_rate(alpha, "GST", "5"), make_rate(alpha, "Old", "7", active=False)
    product = make_product(alpha, "Coaching", price="80", unit="hour", tax_rates=[gst, old])
    request = write_request(alpha, product)
    with schema_context(alpha.schema_name):
        line = request.lines.get()
        assert line.product_id == product.pk
        assert line_as_written(line) == (
            "Coaching", Decimal("3.000"), Decimal("80.00"), Decimal("240.00"), "hour",
            (("GST", Decimal("5.000"), Decimal("12.00")),),
        )  # fmt: skip


def test_changing_archiving_or_deleting_the_product_never_changes_the_line(alpha):
    gst, qst = make_rate(alpha, "GST", "5"), make_rate(alpha, "QST", "9.975")
    product = make_product(alpha, "Coaching", price="80", unit="hour", tax_rates=[gst])
    request = write_request(alpha, product)
    with schema_context(alpha.schema_name):
        before = line_as_written(request.lines.get())
        Product.objects.filter(pk=product.pk).update(
            name="Group coaching", unit_price=95, unit="day"
        )
        product.tax_rates.set([qst])
        assert line_as_written(request.lines.get()) == before
        set_archived(product, archived=True)
        assert line_as_written(request.lines.get()) == before
        Product.objects.filter(pk=product.pk).delete()
        line = request.lines.get()
        assert line_as_written(line) == before and line.product_id is None
