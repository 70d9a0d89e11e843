"""Drafts made by automated invoicing: found with the dashboard's Draft filter, edited on the
usual page, and sent with Confirm draft by the channel automated invoicing is set to."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from auto_invoicing import cycle
from auto_invoicing.models import Channel, Mode, RunDocument
from auto_invoicing.tests.conftest import a_charge, a_client, auto_invoicing
from billing_saas.testing.fixtures import client_on, owner_of
from payment_requests.models import PaymentRequest

MOBILE = "+15145550123"


@pytest.fixture
def owner(alpha):
    return client_on(alpha, owner_of(alpha))


def a_draft(tenant, channel=Channel.EMAIL, **client_fields) -> RunDocument:
    """A run in draft mode bills Ann's two charges into one draft."""
    auto_invoicing(tenant, mode=Mode.DRAFT, channel=channel)
    today = timezone.localdate(timezone.now(), tenant.tzinfo)
    with schema_context(tenant.schema_name):
        ann = a_client("Ann Lee", **client_fields)
        a_charge(ann, "30.00", today, "Haircut")
        a_charge(ann, "12.50", today, "Shampoo")
        run = cycle.process(cycle.start_manual_run(None).pk)
        return RunDocument.objects.select_related("request", "run").get(run=run)


def test_the_draft_filter_finds_the_runs_drafts(alpha, alpha_stripe, owner):
    a_draft(alpha)

    page = owner.get("/billing/?status=draft").content.decode()

    assert "Ann Lee" in page and "€42.50" in page


def test_the_panel_says_the_run_made_it_and_offers_edit_and_confirm_draft(
    alpha, alpha_stripe, owner
):
    document = a_draft(alpha, channel=Channel.SMS)

    page = owner.get(f"/billing/?open={document.request_id}").content.decode()

    assert "Made by automated invoicing on" in page
    assert f'href="/billing/runs/{document.run_id}/"' in page
    assert f'href="/billing/requests/{document.request_id}/edit/"' in page
    assert "Confirm draft" in page and "Send payment request" not in page
    assert "who is told as automated invoicing is set to: <strong>SMS only</strong>" in page


def test_a_draft_written_by_hand_keeps_its_send_button(alpha, alpha_stripe, owner):
    from payment_requests.tests.conftest import make_request

    item = make_request(alpha)

    page = owner.get(f"/billing/?open={item.pk}").content.decode()

    assert "Send payment request" in page and "Confirm draft" not in page
    assert "Made by automated invoicing" not in page


def test_editing_the_draft_changes_its_lines_and_keeps_how_the_client_is_told(
    alpha, alpha_stripe, owner
):
    document = a_draft(alpha, channel=Channel.SMS, mobile=MOBILE)
    url = f"/billing/requests/{document.request_id}/edit/"
    form = owner.get(url)
    assert form.status_code == 200
    assert re.search(r'value="sms"[^>]* checked', form.content.decode())

    response = owner.post(
        url,
        {
            **form.context["form"].initial,
            "client": document.client_id,
            "due_date": document.request.due_date.isoformat(),
            "action": "save",
            "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "2",
            "lines-0-description": "Haircut",
            "lines-0-quantity": "2",
            "lines-0-unit_price": "30.00",
            "lines-1-description": "Shampoo",
            "lines-1-quantity": "1",
            "lines-1-unit_price": "12.50",
        },
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    with schema_context(alpha.schema_name):
        item = PaymentRequest.objects.get(pk=document.request_id)
        assert item.amount == Decimal("72.50")
        assert item.notify_by == PaymentRequest.NotifyBy.SMS
        assert item.status == PaymentRequest.Status.DRAFT


def test_confirm_draft_sends_it_and_tells_the_client_by_sms_only(
    alpha, alpha_stripe, owner, twilio_platform, mailoutbox, django_capture_on_commit_callbacks
):
    document = a_draft(alpha, channel=Channel.SMS, mobile=MOBILE)

    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(f"/billing/requests/{document.request_id}/send/", follow=True)

    assert response.status_code == 200
    with schema_context(alpha.schema_name):
        item = PaymentRequest.objects.get(pk=document.request_id)
        assert item.status == PaymentRequest.Status.SENT and item.remote is not None
    (sms,) = twilio_platform.sent_to(MOBILE)
    assert "/portal/open/" in sms["body"]  # the invoice in the portal, Pay on it
    assert mailoutbox == []


def test_confirm_draft_by_email_emails_the_client(
    alpha, alpha_stripe, owner, mailoutbox, django_capture_on_commit_callbacks
):
    document = a_draft(alpha, channel=Channel.EMAIL)

    with django_capture_on_commit_callbacks(execute=True):
        owner.post(f"/billing/requests/{document.request_id}/send/")

    assert [mail.to for mail in mailoutbox] == [["ann.lee@clients.example"]]
    assert "42.50" in mailoutbox[0].body
