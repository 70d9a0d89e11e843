"""The client portal's Recurring invoices: the client's active ones with their schedule and
amount, and Show: the invoices each made that the client was sent (never a draft)."""

from __future__ import annotations

from datetime import timedelta

from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import install_client_billing
from client_portal.tests.conftest import make_client, make_invoice, signed_in
from payment_requests.models import PaymentRequest
from recurring import services
from recurring.models import Frequency, RecurringDocument
from recurring.tests.conftest import a_recurring

Status = PaymentRequest.Status


def recurring_of(tenant, client, **fields):
    with schema_context(tenant.schema_name):
        return a_recurring(tenant, client, services.account_today(), **fields)


def test_the_client_sees_its_active_recurring_invoices_with_their_schedule(alpha):
    install_client_billing(alpha)
    ana, bob = make_client(alpha, "Ana Client"), make_client(alpha, "Bob Other")
    monthly = recurring_of(alpha, ana, amount="89.90", description="Hosting plan", cycles=6)
    recurring_of(alpha, ana, frequency=Frequency.QUARTERLY, description="Quarterly audit")
    paused = recurring_of(alpha, ana, description="Paused retainer")
    recurring_of(alpha, bob, description="Bob's plan")
    with schema_context(alpha.schema_name):
        services.pause(paused.pk)

    page = signed_in(alpha, ana).get("/portal/recurring/").content.decode()

    assert "Hosting plan" in page and "Quarterly audit" in page
    assert "Paused retainer" not in page and "Bob&#x27;s plan" not in page
    assert "Every three months" in page and "Endless" in page and ">6<" in page
    assert "€89.90" in page
    assert f'href="/portal/recurring/{monthly.pk}/"' in page
    # The section sits in the portal's tabs, after Quotes.
    assert page.index('href="/portal/quotes/"') < page.index('href="/portal/recurring/"')


def test_show_lists_the_invoices_it_sent_never_a_draft_and_only_the_clients_own(alpha):
    install_client_billing(alpha)
    ana, bob = make_client(alpha, "Ana Client"), make_client(alpha, "Bob Other")
    recurring = recurring_of(alpha, ana, description="Hosting plan")
    others = recurring_of(alpha, bob, description="Bob's plan")
    sent = make_invoice(alpha, ana, Status.SENT, description="Hosting, June", number="INV-00042")
    draft = make_invoice(alpha, ana, Status.DRAFT, description="Hosting, July")
    with schema_context(alpha.schema_name):
        for day, item in ((0, sent), (30, draft)):
            RecurringDocument.objects.create(
                recurring=recurring, period=recurring.start_on + timedelta(days=day), request=item
            )
    browser = signed_in(alpha, ana)

    page = browser.get(f"/portal/recurring/{recurring.pk}/").content.decode()

    assert "INV-00042" in page and f'href="/portal/invoices/{sent.pk}/"' in page
    assert f"/portal/invoices/{draft.pk}/" not in page
    assert browser.get(f"/portal/recurring/{others.pk}/").status_code == 404
    assert signed_in(alpha, bob).get(f"/portal/recurring/{recurring.pk}/").status_code == 404
