"""An invoice voided on the platform itself (its dashboard, not ours) is canceled here too."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import requests
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on
from connectors.tasks import reconcile_connections
from emulators.stripe.state import StripeError
from payment_requests.models import PaymentRequest, StatusChange
from payment_requests.tests.conftest import deliver_new_events, event_count, link_from


def void_on_stripe(emulator, connection, invoice_id):
    """What the provider does in Stripe's dashboard."""
    with emulator.state.lock:
        emulator.state.void_invoice(
            emulator.state.accounts[connection.remote_account_id], invoice_id
        )


def row_of(dashboard: str, pk: int) -> str:
    return re.search(rf'<tr data-request="{pk}".*?</tr>', dashboard, re.S).group(0)


def canceled_moves(pk):
    """The history's lines about a cancel (a repeated one would be a second line)."""
    return list(
        StatusChange.objects.filter(request_id=pk, to_status="canceled").values_list(
            "note", flat=True
        )
    )


def test_a_void_on_stripe_shows_canceled_with_the_note_and_the_link_takes_no_payment(
    stripe_platform,
    alpha_billing,
    alpha,
    sent_request,
    owner_client,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    invoice_id = sent_request.remote.remote_id
    since = event_count(stripe_platform, alpha_billing)
    void_on_stripe(stripe_platform, alpha_billing, invoice_id)
    with django_capture_on_commit_callbacks(execute=True):
        deliver_new_events(stripe_platform, alpha_billing, alpha, since)
        deliver_new_events(stripe_platform, alpha_billing, alpha, since)  # delivered again
        reconcile_connections(alpha.schema_name)

    dashboard = owner_client.get("/billing/").content.decode()
    assert 'status--canceled">Canceled<' in row_of(dashboard, sent_request.pk)
    panel = owner_client.get(f"/billing/?open={sent_request.pk}").content.decode()
    assert "Voided on the payment platform" in panel
    with schema_context(alpha.schema_name):
        assert canceled_moves(sent_request.pk) == ["Voided on the payment platform"]

    link = urlsplit(link_from(mailoutbox[0])).path
    anonymous = client_on(alpha)
    page = anonymous.get(link).content.decode()
    assert "It can no longer be paid" in page and "Pay now" not in page
    assert anonymous.get(link + "go/")["Location"] == link  # never on to Stripe's pay page
    invoice = stripe_platform.state.accounts[alpha_billing.remote_account_id].objects[invoice_id]
    assert "voided" in requests.get(invoice["hosted_invoice_url"], timeout=5).text
    with pytest.raises(StripeError, match="cannot be paid"):
        stripe_platform.state.pay_invoice(
            alpha_billing.remote_account_id, invoice_id, "4242424242424242"
        )
    # The provider voided it at Stripe: we send the client nothing of our own (only the
    # request email they had), however often the event arrives.
    assert len(mailoutbox) == 1


def test_our_cancel_then_stripes_void_event_make_one_cancel_and_one_email(
    stripe_platform,
    alpha_billing,
    alpha,
    sent_request,
    owner_client,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    since = event_count(stripe_platform, alpha_billing)
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(f"/billing/requests/{sent_request.pk}/cancel/")
        deliver_new_events(stripe_platform, alpha_billing, alpha, since)  # invoice.voided
        deliver_new_events(stripe_platform, alpha_billing, alpha, since)
        reconcile_connections(alpha.schema_name)

    cancel_emails = [m for m in mailoutbox if "canceled" in m.subject]
    assert len(cancel_emails) == 1 and cancel_emails[0].to == ["ana@client.test"]
    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.get().status == "canceled"
        assert canceled_moves(sent_request.pk) == [""]  # the owner's cancel, not a second one
