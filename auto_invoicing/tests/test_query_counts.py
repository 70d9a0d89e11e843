"""A run's queries do not grow with its charges: a batch of clients is a handful of
statements whatever it holds, and sending costs each client the same whatever its lines."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from auto_invoicing import cycle
from auto_invoicing.models import Mode, RunDocument
from auto_invoicing.tests.conftest import a_charge, a_client, auto_invoicing
from payment_requests.models import TaxRate
from payment_requests.services.common import current_tenant
from products.models import Product


def a_run_for(clients: int, charges: int, captured) -> int:
    """The queries of one run billing ``clients`` new clients with ``charges`` due charges
    each, every other one of a taxed product (its rates are copied on the lines), the first
    one of each client taxed."""
    today = timezone.localdate(timezone.now(), current_tenant().tzinfo)
    product = Product.objects.create(name="Massage", unit_price=Decimal("60.00"), unit="hour")
    product.tax_rates.add(TaxRate.objects.create(name="VAT", rate=Decimal("20")))
    for number in range(clients):
        client = a_client(f"Client {clients}-{number}")
        for index in range(charges):
            a_charge(client, "60.00", today, product=None if index % 2 else product)
    run = cycle.start_manual_run(None)
    with CaptureQueriesContext(connection) as queries, captured(execute=True):
        cycle.process(run.pk)
    assert RunDocument.objects.filter(run=run).count() == clients
    return len(queries)


def test_a_draft_run_costs_the_same_queries_for_5_charges_or_200(
    alpha, django_capture_on_commit_callbacks
):
    auto_invoicing(alpha, mode=Mode.DRAFT)
    with schema_context(alpha.schema_name):
        a_run_for(1, 1, django_capture_on_commit_callbacks)  # warms the process's caches

        few = a_run_for(5, 1, django_capture_on_commit_callbacks)
        many = a_run_for(50, 4, django_capture_on_commit_callbacks)

    assert many == few


def test_sending_costs_each_client_the_same_queries_whatever_its_charges(
    alpha, alpha_stripe, django_capture_on_commit_callbacks
):
    auto_invoicing(alpha, mode=Mode.INVOICES)
    with schema_context(alpha.schema_name):
        a_run_for(1, 1, django_capture_on_commit_callbacks)  # warms the process's caches

        one_charge = a_run_for(3, 1, django_capture_on_commit_callbacks)
        six_charges = a_run_for(3, 6, django_capture_on_commit_callbacks)
        six_clients = a_run_for(6, 1, django_capture_on_commit_callbacks)
        nine_clients = a_run_for(9, 1, django_capture_on_commit_callbacks)

    assert six_charges == one_charge
    # The same for each client more: a constant per client.
    assert nine_clients - six_clients == six_clients - one_charge
