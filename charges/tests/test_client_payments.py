"""A client's Payments tab: its due and unbilled charges with their totals, then what is
billed and paid, with the documents."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from charges.tests.conftest import a_charge, a_client, billed


def test_the_client_page_has_details_and_payments_tabs(alpha, owner_client):
    ana = a_client(alpha)

    details = owner_client.get(f"/billing/clients/{ana.pk}/").content.decode()
    payments = owner_client.get(f"/billing/clients/{ana.pk}/payments/").content.decode()

    assert f'href="/billing/clients/{ana.pk}/payments/"' in details
    assert f'href="/billing/clients/{ana.pk}/" aria-current="page"' in details
    assert f'href="/billing/clients/{ana.pk}/payments/" aria-current="page"' in payments


def test_the_payments_tab_shows_due_charges_with_their_totals_per_currency(alpha, owner_client):
    ana, bob = a_client(alpha, "Ana Martin"), a_client(alpha, "Bob Stone")
    today = timezone.localdate()
    a_charge(alpha, ana, "35.00", due=today - timedelta(days=1), description="Haircut")
    a_charge(alpha, ana, "12.50", due=today, description="Shampoo")
    a_charge(alpha, ana, "3000", currency="JPY", due=today, description="Tea")
    a_charge(alpha, ana, "80.00", due=today + timedelta(days=9), description="Next month")
    a_charge(alpha, bob, "70.00", description="Bob only")

    page = owner_client.get(f"/billing/clients/{ana.pk}/payments/").content.decode()

    assert 'data-total="EUR">€47.50<' in page and 'data-total="JPY">¥3,000<' in page
    due = page[page.index('id="due-charges"') : page.index('id="upcoming-charges"')]
    assert "Haircut" in due and "Shampoo" in due and "Next month" not in due
    assert "Next month" in page[page.index('id="upcoming-charges"') :]
    assert "Bob only" not in page
    assert f'href="/billing/charges/new/?client={ana.pk}"' in page


def test_the_payments_tab_lists_billed_and_paid_charges_with_their_documents(alpha, owner_client):
    ana = a_client(alpha)
    in_draft = billed(alpha, a_charge(alpha, ana, description="Billed cut"))
    settled = billed(alpha, a_charge(alpha, ana, description="Paid cut"), paid=True)

    page = owner_client.get(f"/billing/clients/{ana.pk}/payments/").content.decode()

    done = page[page.index('id="billed-charges"') :]
    assert "Billed cut" in done and "Paid cut" in done
    assert f'href="/billing/requests/{in_draft.request_id}/"' in done
    assert f'href="/billing/requests/{settled.request_id}/"' in done
    assert "Nothing due" in page


def test_an_unknown_client_has_no_payments_tab(alpha, owner_client):
    assert owner_client.get("/billing/clients/987654/payments/").status_code == 404
