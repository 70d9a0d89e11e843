"""The Stripe connector against the emulator, through the official SDK."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import requests
import stripe
from django_tenants.utils import schema_context

from billing_saas.testing.stripe import connect_stripe
from connectors import services
from connectors.base import ClientRef, InvoiceRequest, Money, PlatformError, RemoteStatus
from connectors.registry import platform_for
from emulators.stripe.app import Fault

DUE = date.today() + timedelta(days=14)


def invoice_request(local_id=1, amount="150.00", currency="EUR", key=None, email="ana@client.test"):
    return InvoiceRequest(
        local_id=local_id,
        idempotency_key=key or f"request:{local_id}:send:1",
        number=f"INV-{local_id:04d}",
        description="Consulting – June 2024",
        total=Money(Decimal(amount), currency),
        due_date=DUE,
        client=ClientRef(local_id=7, name="Ana Client", email=email),
        metadata={"tenant": "alpha"},
    )


@pytest.fixture
def alpha_stripe(stripe_platform, alpha):
    connection = connect_stripe(stripe_platform, alpha)
    with schema_context(alpha.schema_name):
        yield platform_for(connection)


def remote_invoices(emulator, platform):
    data = emulator.state.accounts[platform.account_id]
    return [o for o in data.objects.values() if o.get("object") == "invoice"]


def last_request(emulator, path):
    return [r for r in emulator.app.requests if r["path"] == path][-1]


def test_invoice_is_created_on_the_connected_account_and_finalised(stripe_platform, alpha_stripe):
    # An item already pending for this customer must not be pulled into our invoice.
    customer_id = alpha_stripe.ensure_customer(invoice_request().client)
    alpha_stripe.api.invoice_items.create(
        {"customer": customer_id, "amount": 999, "currency": "eur"}, alpha_stripe._options()
    )

    remote = alpha_stripe.create_and_send_invoice(invoice_request())

    assert remote.status == RemoteStatus.OPEN
    assert remote.amount_due == Money(Decimal("150.00"), "EUR")
    assert remote.pay_url.startswith(stripe_platform.url)
    created = last_request(stripe_platform, "/v1/invoices")
    assert created["account"] == alpha_stripe.account_id
    assert created["params"]["collection_method"] == "send_invoice"
    assert created["params"]["auto_advance"] == "false"
    assert created["params"]["pending_invoice_items_behavior"] == "exclude"
    assert created["params"]["metadata"] == {
        "tenant": "alpha",
        "request_id": "1",
        "number": "INV-0001",
        "send_key": "request:1:send:1",
    }
    assert created["params"]["number"] == "INV-0001"
    item = last_request(stripe_platform, "/v1/invoiceitems")
    assert item["params"]["invoice"] == remote.remote_id
    (invoice,) = remote_invoices(stripe_platform, alpha_stripe)
    assert [line["amount"] for line in invoice["lines"]["data"]] == [15000]
    assert invoice["customer"] == customer_id


def test_the_customer_is_reused_for_the_same_client(alpha_stripe):
    first = alpha_stripe.ensure_customer(ClientRef(7, "Ana Client", "ana@client.test"))
    again = alpha_stripe.ensure_customer(ClientRef(7, "Ana Client", "ana@client.test"))
    known = alpha_stripe.ensure_customer(ClientRef(7, "Ana Client", "ana@client.test", first))
    assert first == again == known


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("1200", "JPY", 1200), ("12.34", "EUR", 1234), ("0.5", "EUR", 50)],
)
def test_amounts_reach_stripe_as_the_right_integers(stripe_platform, alpha_stripe, amount,
                                                    currency, minor):  # fmt: skip
    remote = alpha_stripe.create_and_send_invoice(invoice_request(amount=amount, currency=currency))
    item = last_request(stripe_platform, "/v1/invoiceitems")
    assert item["params"]["amount"] == str(minor)
    assert item["params"]["currency"] == currency.lower()
    assert remote.amount_due == Money(Decimal(amount), currency)


def test_an_amount_finer_than_the_currency_allows_is_refused(alpha_stripe):
    with pytest.raises(ValueError):
        alpha_stripe.create_and_send_invoice(invoice_request(amount="10.5", currency="JPY"))


def test_a_timed_out_create_retried_three_times_makes_one_invoice(settings, stripe_platform,
                                                                  alpha_stripe):  # fmt: skip
    settings.STRIPE_TIMEOUT_SECONDS = 1
    settings.STRIPE_NETWORK_RETRIES = 3
    # Stripe creates the invoice but the answer never arrives in time, twice.
    stripe_platform.app.faults.append(_fault("/v1/invoices", times=2))

    remote = alpha_stripe.create_and_send_invoice(invoice_request())

    sent = [
        r
        for r in stripe_platform.app.requests
        if r["path"] == "/v1/invoices"
        and r["method"] == "POST"
        and r["account"] == alpha_stripe.account_id
    ]
    assert len(sent) == 3 and len({r["idempotency_key"] for r in sent}) == 1
    assert [i["id"] for i in remote_invoices(stripe_platform, alpha_stripe)] == [remote.remote_id]


def test_a_crashed_worker_sending_again_creates_nothing_new(stripe_platform, alpha_stripe):
    results = [alpha_stripe.create_and_send_invoice(invoice_request()) for _ in range(3)]
    assert len({r.remote_id for r in results}) == 1
    assert len(remote_invoices(stripe_platform, alpha_stripe)) == 1


def test_our_number_is_the_stripe_invoice_number_and_its_pay_page_shows_it(
    stripe_platform, alpha_stripe
):
    remote = alpha_stripe.create_and_send_invoice(invoice_request())
    (invoice,) = remote_invoices(stripe_platform, alpha_stripe)
    assert invoice["number"] == "INV-0001"
    assert "Invoice INV-0001" in requests.get(remote.pay_url, timeout=5).text


def test_without_our_number_stripe_numbers_the_invoice_itself(stripe_platform, alpha_stripe):
    alpha_stripe.create_and_send_invoice(replace(invoice_request(), number=""))
    (invoice,) = remote_invoices(stripe_platform, alpha_stripe)
    assert re.fullmatch(r"[0-9A-F]{8}-0001", invoice["number"])


def test_a_number_already_used_on_the_account_is_refused_as_stripe_does(alpha_stripe):
    alpha_stripe.create_and_send_invoice(invoice_request())
    customer = alpha_stripe.ensure_customer(invoice_request().client)
    draft = {"customer": customer, "collection_method": "send_invoice", "days_until_due": 3}
    with pytest.raises(stripe.InvalidRequestError) as on_create:
        alpha_stripe.api.invoices.create({**draft, "number": "INV-0001"}, alpha_stripe._options())
    other = alpha_stripe.api.invoices.create(draft, alpha_stripe._options())
    with pytest.raises(stripe.InvalidRequestError) as on_update:
        alpha_stripe.api.invoices.update(
            other["id"], {"number": "INV-0001"}, alpha_stripe._options()
        )
    for refused in (on_create.value, on_update.value):
        assert refused.http_status == 400 and refused.param == "number"
        assert refused.error.type == "invalid_request_error"
    with pytest.raises(PlatformError) as ours:
        alpha_stripe.create_and_send_invoice(replace(invoice_request(2), number="INV-0001"))
    assert "INV-0001 is already used" in ours.value.message


def test_a_retry_after_a_refusal_replaces_the_draft_that_held_the_number(
    stripe_platform, alpha_stripe
):
    stripe_platform.app.faults.append(
        Fault({"path": r"/v1/invoices/in_\w+/finalize", "kind": "refusal"})
    )
    with pytest.raises(PlatformError):
        alpha_stripe.create_and_send_invoice(invoice_request())
    (refused,) = remote_invoices(stripe_platform, alpha_stripe)
    assert (refused["status"], refused["number"]) == ("draft", "INV-0001")

    retry = alpha_stripe.create_and_send_invoice(invoice_request(key="request:1:send:2"))

    live = [i for i in remote_invoices(stripe_platform, alpha_stripe) if not i.get("deleted")]
    assert [(i["id"], i["number"], i["status"]) for i in live] == [
        (retry.remote_id, "INV-0001", "open")
    ]


def test_a_retry_with_the_same_key_finishes_its_own_draft(stripe_platform, alpha_stripe):
    stripe_platform.app.faults.append(
        Fault({"path": r"/v1/invoices/in_\w+/finalize", "kind": "error_500", "times": 3})
    )
    with pytest.raises(PlatformError) as failed:
        alpha_stripe.create_and_send_invoice(invoice_request())
    assert failed.value.retryable

    remote = alpha_stripe.create_and_send_invoice(invoice_request())

    (invoice,) = remote_invoices(stripe_platform, alpha_stripe)
    assert invoice["id"] == remote.remote_id and not invoice.get("deleted")
    assert (invoice["status"], invoice["number"]) == ("open", "INV-0001")


def test_void_cancels_an_open_invoice_and_deletes_a_draft(stripe_platform, alpha_stripe):
    remote = alpha_stripe.create_and_send_invoice(invoice_request())
    assert alpha_stripe.payable_after_local_delete(remote.remote_id) is True
    assert alpha_stripe.void(remote.remote_id).status == RemoteStatus.VOID
    assert alpha_stripe.payable_after_local_delete(remote.remote_id) is False

    customer = alpha_stripe.ensure_customer(invoice_request().client)
    draft = alpha_stripe.api.invoices.create(
        {"customer": customer, "collection_method": "send_invoice", "days_until_due": 3},
        alpha_stripe._options(),
    )
    alpha_stripe.void(draft["id"])
    assert stripe_platform.state.accounts[alpha_stripe.account_id].objects[draft["id"]]["deleted"]


def test_a_paid_invoice_cannot_be_voided(stripe_platform, alpha_stripe):
    remote = alpha_stripe.create_and_send_invoice(invoice_request())
    stripe_platform.state.pay_invoice(alpha_stripe.account_id, remote.remote_id, "4242424242424242")
    with pytest.raises(PlatformError) as refused:
        alpha_stripe.void(remote.remote_id)
    assert "already paid" in refused.value.message
    assert alpha_stripe.fetch_invoice(remote.remote_id).status == RemoteStatus.PAID


def test_the_pay_url_is_refreshed_after_stripe_expires_it(stripe_platform, alpha_stripe):
    remote = alpha_stripe.create_and_send_invoice(invoice_request())
    assert alpha_stripe.pay_url(remote.remote_id) == remote.pay_url
    stripe_platform.state.advance_clock(45 * 86400)  # past due date + 30 days
    try:
        fresh = alpha_stripe.pay_url(remote.remote_id)
    finally:
        stripe_platform.state.clock_offset = 0
    assert fresh != remote.pay_url


def test_payment_link_is_a_checkout_session_that_expires(stripe_platform, alpha_stripe):
    link = alpha_stripe.create_payment_link(
        invoice_request(amount="80", currency="USD"),
        "https://studio.test/thanks",
        "https://studio.test/cancel",
    )
    session = last_request(stripe_platform, "/v1/checkout/sessions")["params"]
    assert session["line_items"][0]["price_data"]["unit_amount"] == "8000"
    assert session["success_url"] == "https://studio.test/thanks"
    # No expiry of ours (a retry must send the same parameters): Stripe's own, 24 hours.
    assert "expires_at" not in session
    assert 23 * 3600 < link.expires_at.timestamp() - stripe_platform.state.now() <= 24 * 3600
    assert alpha_stripe.fetch_payment_link(link.remote_id).status == RemoteStatus.OPEN

    stripe_platform.state.advance_clock(25 * 3600)
    try:
        assert alpha_stripe.fetch_payment_link(link.remote_id).status == RemoteStatus.EXPIRED
    finally:
        stripe_platform.state.clock_offset = 0


def test_a_payment_link_retried_later_under_its_key_is_the_same_session(
    stripe_platform, alpha_stripe, monkeypatch
):
    """A worker that died after Stripe answered sends the same request again, later."""
    from connectors.stripe import platform as stripe_platform_module

    first = alpha_stripe.create_payment_link(invoice_request(), "https://s.test/ok", "")

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(seconds=90)

    monkeypatch.setattr(stripe_platform_module, "datetime", Later)
    again = alpha_stripe.create_payment_link(invoice_request(), "https://s.test/ok", "")
    assert again.remote_id == first.remote_id


def test_the_checkout_page_shows_our_number(stripe_platform, alpha_stripe):
    link = alpha_stripe.create_payment_link(
        invoice_request(), "https://studio.test/thanks", "https://studio.test/cancel"
    )
    session = last_request(stripe_platform, "/v1/checkout/sessions")["params"]
    assert session["metadata"]["number"] == "INV-0001"
    page = requests.get(link.url, timeout=5).text
    assert "Consulting – June 2024" in page and "Invoice INV-0001" in page


def test_platform_errors_come_back_as_one_typed_error(stripe_platform, alpha_stripe, alpha):
    with pytest.raises(PlatformError) as refused:
        alpha_stripe.void("in_doesnotexist")
    assert refused.value.platform == "stripe"
    assert "No such invoice" in refused.value.message

    services.disconnect(alpha_stripe.connection)
    with pytest.raises(PlatformError) as revoked:
        alpha_stripe.create_and_send_invoice(invoice_request())
    assert "reconnect" in revoked.value.message.lower()


def _fault(path, times):
    return Fault(
        {"method": "POST", "path": path, "times": times, "kind": "delay_after", "seconds": 2}
    )
