"""The emulator's hosted pages: a person pays, is declined, or finds the invoice void."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import requests
from django_tenants.utils import schema_context

from billing_saas.testing.stripe import connect_stripe
from connectors.base import ClientRef, InvoiceRequest, Money, RemoteStatus
from connectors.registry import platform_for


@pytest.fixture
def platform(stripe_platform, alpha):
    stripe_platform.sender.paused = True
    connection = connect_stripe(stripe_platform, alpha)
    with schema_context(alpha.schema_name):
        yield platform_for(connection)


def request_for(amount="42.00"):
    return InvoiceRequest(
        1,
        "request:1:send:1",
        "INV-1",
        "Haircut and colour",
        Money(Decimal(amount), "EUR"),
        date.today() + timedelta(days=3),
        ClientRef(1, "Cy", "cy@client.test"),
    )


def pay(url, card):
    return requests.post(url, data={"card": card, "exp": "12/34", "cvc": "123"}, timeout=5)


def test_hosted_invoice_page_takes_the_success_card(platform):
    remote = platform.create_and_send_invoice(request_for())
    page = requests.get(remote.pay_url, timeout=5)
    assert "€42.00" in page.text and "Haircut and colour" in page.text

    paid = pay(remote.pay_url, "4242 4242 4242 4242")

    assert "Thank you" in paid.text
    assert platform.fetch_invoice(remote.remote_id).status == RemoteStatus.PAID


def test_hosted_invoice_page_declines_the_decline_card(platform):
    remote = platform.create_and_send_invoice(request_for())
    declined = pay(remote.pay_url, "4000 0000 0000 0002")
    assert "Your card was declined." in declined.text
    assert platform.fetch_invoice(remote.remote_id).status == RemoteStatus.OPEN


def test_a_voided_invoice_says_so_and_takes_no_payment(platform):
    remote = platform.create_and_send_invoice(request_for())
    platform.void(remote.remote_id)
    page = requests.get(remote.pay_url, timeout=5)
    assert "voided" in page.text and 'name="card"' not in page.text
    pay(remote.pay_url, "4242424242424242")
    assert platform.fetch_invoice(remote.remote_id).status == RemoteStatus.VOID


def test_checkout_pays_and_returns_to_the_success_url(platform):
    link = platform.create_payment_link(
        request_for("19"), "https://studio.test/thanks", "https://studio.test/cancel"
    )
    answer = requests.post(
        link.url, data={"card": "4242424242424242"}, allow_redirects=False, timeout=5
    )
    assert answer.status_code == 302
    assert answer.headers["Location"] == "https://studio.test/thanks"
    assert platform.fetch_payment_link(link.remote_id).status == RemoteStatus.PAID
