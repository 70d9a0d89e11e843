"""Deleting keeps the seed's promise, locked means locked, errors show while they matter,
and times in emails are the account's."""

from __future__ import annotations

import re
import zoneinfo
from decimal import Decimal
from urllib.parse import urlsplit

import requests
from django.utils import timezone
from django.utils.formats import date_format
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, owner_of
from payment_requests import services
from payment_requests.models import PaymentRequest
from payment_requests.tests.conftest import (
    decline_a_card,
    deliver_new_events,
    event_count,
    link_from,
)


def delete_anyway(owner_client, item):
    response = owner_client.post(f"/billing/requests/{item.pk}/delete/", {"confirm_open": "yes"})
    assert response.status_code == 302


def pay_through_the_link(
    stripe_platform, connection, tenant, mail, capture, card="4242424242424242"
):
    anonymous = client_on(tenant)
    link = urlsplit(link_from(mail)).path
    go = anonymous.get(link + "go/")
    assert go.status_code == 302 and go["Location"].startswith(stripe_platform.url)
    since = event_count(stripe_platform, connection)
    requests.post(go["Location"], data={"card": card}, timeout=5)
    with capture(execute=True):
        deliver_new_events(stripe_platform, connection, tenant, since)


def test_a_deleted_request_stays_payable_through_the_emailed_link(
    stripe_platform, alpha_billing, alpha, sent_request, owner_client, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    delete_anyway(owner_client, sent_request)
    assert "Consulting" not in owner_client.get("/billing/").content.decode()

    page = client_on(alpha).get(urlsplit(link_from(mailoutbox[0])).path).content.decode()
    assert "Pay now" in page and "no longer available" not in page

    pay_through_the_link(
        stripe_platform, alpha_billing, alpha, mailoutbox[0], django_capture_on_commit_callbacks
    )
    with schema_context(alpha.schema_name):
        item = PaymentRequest.objects.get()
        assert item.status == "paid" and item.amount_paid == Decimal("150.00")
        assert item.deleted_at is None  # money arrived: back on the dashboard
        notes = [change.note for change in item.history.all()]
        assert "Deleted; the client can still pay it through the emailed link" in notes
        assert "Paid after it was deleted: back on the dashboard" in notes
    dashboard = owner_client.get("/billing/").content.decode()
    assert "Consulting" in dashboard and 'data-total="paid-EUR"' in dashboard
    creator_mail = [mail for mail in mailoutbox if mail.to == [owner_of(alpha).email]]
    assert creator_mail and "paid" in creator_mail[-1].subject


def test_a_deleted_request_is_not_reminded_but_can_still_be_canceled(
    stripe_platform, alpha_billing, alpha, sent_request, owner_client, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    delete_anyway(owner_client, sent_request)
    panel = owner_client.get(f"/billing/?status=deleted&open={sent_request.pk}").content.decode()
    assert "the client can still pay it through the emailed link" in panel
    assert "Send reminder" not in panel and "Cancel request" in panel
    response = owner_client.post(f"/billing/requests/{sent_request.pk}/remind/", follow=True)
    assert "Only sent, unpaid requests can be reminded." in response.content.decode()
    with schema_context(alpha.schema_name):
        report = services.run_daily_schedule(sent_request.due_date - timezone.timedelta(days=3))
    assert report["reminders"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(f"/billing/requests/{sent_request.pk}/cancel/")
    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.get().status == "canceled"
    page = client_on(alpha).get(urlsplit(link_from(mailoutbox[0])).path).content.decode()
    assert "Pay now" not in page


def test_deleting_a_canceled_request_closes_its_link(
    alpha_billing, alpha, sent_request, owner_client, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(f"/billing/requests/{sent_request.pk}/cancel/")
    owner_client.post(f"/billing/requests/{sent_request.pk}/delete/")
    with schema_context(alpha.schema_name):
        item = PaymentRequest.objects.get()
        assert item.status == "canceled" and item.deleted_at is not None
    link = urlsplit(link_from(mailoutbox[0])).path
    assert client_on(alpha).get(link + "go/")["Location"].endswith(link)


def test_a_declined_then_canceled_request_shows_no_stale_error(
    stripe_platform, alpha_billing, alpha, sent_request, owner_client,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    decline_a_card(
        stripe_platform, alpha_billing, alpha, sent_request, django_capture_on_commit_callbacks
    )
    with schema_context(alpha.schema_name):
        PaymentRequest.objects.filter(pk=sent_request.pk).update(last_error="Stripe timed out")
    before = owner_client.get(f"/billing/?open={sent_request.pk}").content.decode()
    assert "The card was declined." in before and "Stripe timed out" in before

    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(f"/billing/requests/{sent_request.pk}/cancel/")
    page = owner_client.get(f"/billing/?open={sent_request.pk}").content.decode()
    after, history = page.split('<ol class="history">')
    assert "Canceled" in after and "The card was declined." in history  # history keeps it
    assert "The card was declined." not in after and "Stripe timed out" not in after
    assert "Platform error" not in after


def test_a_sent_request_locks_everything_but_its_description(alpha, sent_request, owner_client):
    page = owner_client.get(f"/billing/requests/{sent_request.pk}/edit/").content.decode()

    def tag(name):
        return re.search(rf'<(?:input|select|textarea)[^>]*name="{name}"[^>]*>', page).group(0)

    for name in ("kind", "amount", "currency", "client", "due_date", "billing_type"):
        assert " disabled" in tag(name), name
    assert " disabled" not in tag("description")
    assert page.count("field--locked") == 6 and "Locked" in page


def test_the_paid_email_shows_the_accounts_time_with_its_zone(
    stripe_platform, alpha_billing, alpha, sent_request, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    assert alpha.time_zone == "Europe/Paris"
    timezone.deactivate()  # as in a worker: no zone active while the webhook is applied
    pay_through_the_link(
        stripe_platform, alpha_billing, alpha, mailoutbox[0], django_capture_on_commit_callbacks
    )
    with schema_context(alpha.schema_name):
        paid_at = PaymentRequest.objects.get().paid_at
    paris = date_format(timezone.localtime(paid_at, zoneinfo.ZoneInfo("Europe/Paris")),
                        "DATETIME_FORMAT")  # fmt: skip
    utc = date_format(timezone.localtime(paid_at, zoneinfo.ZoneInfo("UTC")), "DATETIME_FORMAT")
    assert paris != utc
    for mail in [m for m in mailoutbox if "paid" in m.subject or "received" in m.subject]:
        for body in (mail.body, mail.alternatives[0][0]):
            assert f"{paris} (Europe/Paris)" in body
            assert utc not in body
