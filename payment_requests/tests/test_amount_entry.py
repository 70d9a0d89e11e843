"""The amount typed in the request form is the amount saved, whatever the browser's locale."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from payment_requests.models import PaymentRequest
from payment_requests.tests.conftest import make_client, make_request


def post_draft(owner_client, client, amount, language, currency="EUR"):
    return owner_client.post(
        "/billing/requests/new/",
        {
            "kind": "invoice",
            "description": "Website redesign",
            "client": client.pk,
            "amount": amount,
            "currency": currency,
            "due_date": (timezone.localdate() + timedelta(days=10)).isoformat(),
            "billing_type": "invoice",
            "action": "save",
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )


@pytest.mark.parametrize(
    ("typed", "language"),
    [
        ("1250,50", "en-US,en;q=0.9"),
        ("1250,50", "fr-FR,fr;q=0.9"),
        ("1 250,50", "fr-FR"),
        ("1\u202f250,50", "fr-FR"),
        ("1,250.50", "en-US"),
        ("1.250,50", "de-DE"),
    ],
)
def test_a_decimal_comma_or_point_is_saved_as_typed(alpha, owner_client, typed, language):
    client = make_client(alpha)
    response = post_draft(owner_client, client, typed, language)
    assert response.status_code == 302
    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.get().amount == Decimal("1250.50")


@pytest.mark.parametrize(
    ("typed", "language", "message"),
    [
        ("1.250", "en-US", "could mean 1250 or 1.25"),
        ("1,250", "fr-FR", "could mean 1250 or 1,25"),
        ("12,50,0", "en-US", "grouped by three digits"),
        ("1250,505", "en-US", "grouped by three digits"),
        ("12.345,678", "de-DE", "no more than 2 decimal places"),
        ("abc", "en-US", "Enter a number"),
    ],
)
def test_an_ambiguous_amount_is_refused_and_nothing_is_saved(
    alpha, owner_client, typed, language, message
):
    client = make_client(alpha)
    response = post_draft(owner_client, client, typed, language)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert f'value="{typed}"' in response.content.decode()  # what they typed, to correct
    with schema_context(alpha.schema_name):
        assert not PaymentRequest.objects.exists()


def test_the_amount_field_is_a_text_input_on_a_decimal_keypad(alpha, owner_client):
    page = owner_client.get("/billing/requests/new/").content.decode()
    # The amount is now the first line's unit price (the request's amount is its lines' total).
    assert 'name="lines-0-unit_price"' in page and 'inputmode="decimal"' in page
    assert 'type="number"' not in page  # the browser's number input drops a decimal comma


def test_a_saved_amount_is_shown_back_with_the_browsers_decimal_mark(alpha, owner_client):
    draft = make_request(alpha, amount="1250.50")
    french = owner_client.get(f"/billing/requests/{draft.pk}/edit/", HTTP_ACCEPT_LANGUAGE="fr-FR")
    assert 'value="1250,50"' in french.content.decode()
    english = owner_client.get(f"/billing/requests/{draft.pk}/edit/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'value="1250.50"' in english.content.decode()
    response = owner_client.post(
        f"/billing/requests/{draft.pk}/edit/",
        {
            "kind": "invoice",
            "description": "Website redesign",
            "client": draft.client_id,
            "amount": "1250,50",
            "currency": "EUR",
            "due_date": draft.due_date.isoformat(),
            "billing_type": "invoice",
            "action": "save",
        },
        HTTP_ACCEPT_LANGUAGE="fr-FR",
    )
    assert response.status_code == 302
    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.get().amount == Decimal("1250.50")
