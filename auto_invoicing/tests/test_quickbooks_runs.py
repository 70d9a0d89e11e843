"""A run on a QuickBooks connection sends every client within Intuit's per-company limits."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from auto_invoicing import cycle
from auto_invoicing.models import InvoicingRun, Mode, RunDocument
from auto_invoicing.tests.conftest import a_charge, a_client, auto_invoicing
from billing_saas.testing.fixtures import install_client_billing
from billing_saas.testing.quickbooks import connect_quickbooks

CLIENTS = 8


@pytest.fixture
def strict_limits(settings, quickbooks_platform):
    """Intuit allowing 20 calls a second per company (instead of 500 a minute), on both
    sides: a run sending as fast as it can would be answered 429 many times over."""
    state = quickbooks_platform.state
    saved = (state.rate_limit, state.rate_window, state.max_concurrent)
    state.rate_limit, state.rate_window, state.max_concurrent = 20, 1.0, 10
    settings.QUICKBOOKS_RATE_LIMIT, settings.QUICKBOOKS_RATE_WINDOW_SECONDS = 20, 1
    settings.QUICKBOOKS_MAX_CONCURRENT = 10
    yield state
    state.rate_limit, state.rate_window, state.max_concurrent = saved


def test_a_run_on_quickbooks_sends_every_client_without_a_single_429(
    alpha, quickbooks_platform, strict_limits, mailoutbox, django_capture_on_commit_callbacks
):
    install_client_billing(alpha)
    connection = connect_quickbooks(quickbooks_platform, alpha)
    auto_invoicing(alpha, mode=Mode.INVOICES)
    throttled = strict_limits.throttled
    with schema_context(alpha.schema_name):
        today = timezone.localdate(timezone.now(), alpha.tzinfo)
        for number in range(CLIENTS):
            client = a_client(f"Client {number}")
            a_charge(client, "40.00", today, "Session", currency="USD")
            a_charge(client, "10.00", today - timedelta(days=3), "Notes", currency="USD")

        with django_capture_on_commit_callbacks(execute=True):
            run = cycle.process(cycle.start_manual_run(None).pk)

        assert run.status == InvoicingRun.Status.FINISHED
        assert set(RunDocument.objects.values_list("state", flat=True)) == {"sent"}
        assert RunDocument.objects.count() == CLIENTS
    assert strict_limits.throttled == throttled  # the emulator never had to answer 429
    invoices = strict_limits.companies[connection.remote_account_id].objects["Invoice"]
    assert (
        sorted(Decimal(str(i["TotalAmt"])) for i in invoices.values())
        == [Decimal("50.00")] * CLIENTS
    )
    assert len(mailoutbox) == CLIENTS
