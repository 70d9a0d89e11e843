"""Auto-bill on the pages: chosen in the staff form (refused where the platform cannot charge a
saved card), shown on the recurring invoice's page and in the client's portal listing."""

from __future__ import annotations

from datetime import timedelta

from django_tenants.utils import schema_context

from billing_saas.testing.quickbooks import connect_quickbooks
from client_portal.tests.conftest import signed_in
from recurring import services
from recurring.models import AutoBill, RecurringInvoice
from recurring.tests.conftest import a_client, a_recurring
from recurring.tests.test_staff_pages import form_data

REFUSED = "Your payment platform cannot charge saved cards: auto-bill needs Stripe."


def test_auto_bill_is_refused_in_the_form_when_quickbooks_takes_the_payments(
    alpha, owner_client, quickbooks_platform
):
    connect_quickbooks(quickbooks_platform, alpha)
    with schema_context(alpha.schema_name):
        ann = a_client()

    page = owner_client.post(
        "/billing/recurring/new/", form_data(ann.pk, auto_bill=AutoBill.DEFAULT_METHOD)
    ).content.decode()

    assert REFUSED in page
    with schema_context(alpha.schema_name):
        assert not RecurringInvoice.objects.exists()
    response = owner_client.post("/billing/recurring/new/", form_data(ann.pk))
    assert response.status_code == 302  # auto-bill off: QuickBooks is fine


def test_auto_bill_chosen_on_stripe_is_kept_and_shown_on_its_page(
    alpha, alpha_stripe, owner_client
):
    with schema_context(alpha.schema_name):
        ann = a_client()

    response = owner_client.post(
        "/billing/recurring/new/", form_data(ann.pk, auto_bill=AutoBill.DEFAULT_METHOD)
    )

    assert response.status_code == 302
    with schema_context(alpha.schema_name):
        recurring = RecurringInvoice.objects.get()
        assert recurring.auto_bill == AutoBill.DEFAULT_METHOD
    page = owner_client.get(response["Location"]).content.decode()
    assert "default saved card" in page.split("data-auto-bill>")[1][:80]


def test_the_portal_listing_says_which_ones_are_paid_with_the_saved_card(alpha, owner_client):
    with schema_context(alpha.schema_name):
        ann = a_client()
        start = services.account_today() + timedelta(days=1)
        a_recurring(alpha, ann, start, description="Hosting", auto_bill=AutoBill.DEFAULT_METHOD)
    page = signed_in(alpha, ann).get("/portal/recurring/").content.decode()
    assert "Paid automatically with your saved card" in page
    with schema_context(alpha.schema_name):
        RecurringInvoice.objects.update(auto_bill=AutoBill.OFF)
    page = signed_in(alpha, ann).get("/portal/recurring/").content.decode()
    assert "Paid automatically with your saved card" not in page
