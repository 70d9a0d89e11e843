"""Client Billing settings: the platform for new requests, and the emails' branding."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, owner_of
from billing_saas.testing.quickbooks import connect_quickbooks
from billing_saas.testing.stripe import connect_stripe
from payment_requests import services
from payment_requests.tests.conftest import make_client, make_request
from solutions.models import Installation

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def settings_form(**extra):
    return {
        "remind_before_days": "3",
        "remind_after_days": "1,7",
        "time_zone": "Europe/Paris",
        "brand_color": "#0f766e",
        "sender_name": "",
        **extra,
    }


def test_new_requests_go_to_the_chosen_platform_and_sent_ones_keep_theirs(
    stripe_platform, quickbooks_platform, alpha, owner_client
):
    stripe = connect_stripe(stripe_platform, alpha)
    books = connect_quickbooks(quickbooks_platform, alpha)
    owner_client.post("/billing/settings/", settings_form(connection=stripe.pk))
    make_client(alpha)
    first = make_request(alpha, currency="USD")
    with schema_context(alpha.schema_name):
        assert Installation.objects.get().connection_id == stripe.pk
        sent = services.send_request(first.pk, actor=owner_of(alpha))
    assert sent.connection_id == stripe.pk

    owner_client.post("/billing/settings/", settings_form(connection=books.pk))
    second = make_request(alpha, currency="USD", description="Second")
    with schema_context(alpha.schema_name):
        assert services.send_request(second.pk, actor=owner_of(alpha)).connection_id == books.pk
        sent.refresh_from_db()
        assert sent.connection_id == stripe.pk


def test_emails_carry_the_sender_name_colour_and_logo(
    stripe_platform, alpha, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    connect_stripe(stripe_platform, alpha)
    refused = owner_client.post(
        "/billing/settings/",
        settings_form(logo=SimpleUploadedFile("logo.gif", b"GIF89a" + b"\x00" * 10)),
    )
    assert "PNG or JPEG" in refused.content.decode()
    owner_client.post(
        "/billing/settings/",
        settings_form(sender_name="Alpha Billing Team", logo=SimpleUploadedFile("logo.png", PNG)),
    )
    make_client(alpha)
    draft = make_request(alpha)
    with django_capture_on_commit_callbacks(execute=True), schema_context(alpha.schema_name):
        services.send_request(draft.pk, actor=owner_of(alpha))
    (mail,) = mailoutbox
    assert mail.from_email.startswith("Alpha Billing Team <")
    html = mail.alternatives[0][0]
    assert "#0f766e" in html and f"http://{alpha.host}/pay/brand/logo/" in html
    logo = client_on(alpha).get("/pay/brand/logo/")
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
