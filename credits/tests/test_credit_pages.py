"""The billing pages of credit notes: issue one, list them, record a refund, change the use,
void one."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django_tenants.utils import schema_context

from credits.models import CreditNote, CreditRefund
from credits.tests.conftest import credit, fresh, make_client


def test_issuing_a_credit_note_numbers_it_once_however_often_the_form_is_posted(
    alpha, owner_client
):
    ana = make_client(alpha)
    form = owner_client.get(f"/billing/credits/new/?client={ana.pk}").content.decode()
    assert f'value="{ana.pk}"' in form  # the client preselected

    data = {"client": ana.pk, "currency": "EUR", "amount": "25,50", "reason": "Broken vase",
            "use": "apply", "entry_key": "k1"}  # fmt: skip
    first = owner_client.post("/billing/credits/new/", data)
    again = owner_client.post("/billing/credits/new/", data)

    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    page = owner_client.get(first["Location"]).content.decode()
    assert "CR-00001" in page and "Broken vase" in page and "€25.50" in page
    with schema_context(alpha.schema_name):
        assert CreditNote.objects.count() == 1


def test_a_jpy_credit_with_decimals_or_without_a_reason_is_refused(alpha, owner_client):
    ana = make_client(alpha)
    base = {"client": ana.pk, "use": "apply"}

    jpy = owner_client.post("/billing/credits/new/", {**base, "currency": "JPY",
                                                      "amount": "12.5", "reason": "x"})  # fmt: skip
    blank = owner_client.post("/billing/credits/new/", {**base, "currency": "EUR",
                                                        "amount": "10", "reason": ""})  # fmt: skip

    assert jpy.status_code == blank.status_code == 200
    assert "JPY amounts cannot have that many decimals" in jpy.content.decode()
    with schema_context(alpha.schema_name):
        assert CreditNote.objects.count() == 0


def test_the_list_shows_what_is_left_per_currency_and_filters_by_client(alpha, owner_client):
    ana = make_client(alpha)
    bob = make_client(alpha, name="Bob Other", email="bob@client.test")
    credit(alpha, ana, "30.00")
    credit(alpha, ana, "5000", currency="JPY")
    credit(alpha, bob, "12.00", reason="Bob's goodwill")

    page = owner_client.get("/billing/credits/").content.decode()
    mine = owner_client.get(f"/billing/credits/?client={ana.pk}").content.decode()

    assert "€42.00" in page and "¥5,000" in page
    assert "Bob&#x27;s goodwill" in page and "Bob&#x27;s goodwill" not in mine
    assert "€30.00" in mine


def refund(owner_client, note, **changes):
    data = {"amount": "10.00", "method": "bank_transfer",
            "refunded_on": timezone.localdate().isoformat(), "reference": "TR 1",
            "entry_key": "r1", **changes}  # fmt: skip
    return owner_client.post(f"/billing/credits/{note.pk}/refund/", data)


def test_a_refund_is_recorded_once_and_lowers_what_is_left(alpha, owner_client):
    ana = make_client(alpha)
    note = credit(alpha, ana, "30.00", use=CreditNote.Use.REFUND)

    assert refund(owner_client, note).status_code == 302
    assert refund(owner_client, note).status_code == 302  # the same form again

    note = fresh(alpha, note)
    assert (note.amount_refunded, note.remaining) == (Decimal("10.00"), Decimal("20.00"))
    page = owner_client.get(f"/billing/credits/{note.pk}/").content.decode()
    assert "TR 1" in page and "outside this app" in page


def test_a_refund_over_what_is_left_or_in_the_future_is_refused(alpha, owner_client):
    note = credit(alpha, make_client(alpha), "30.00")
    tomorrow = (timezone.localdate() + timedelta(days=2)).isoformat()

    too_much = refund(owner_client, note, amount="30.01", entry_key="a")
    future = refund(owner_client, note, refunded_on=tomorrow, entry_key="b")

    assert too_much.status_code == future.status_code == 400
    assert "more than what is left of the credit (€30.00)" in too_much.content.decode()
    assert "cannot be in the future" in future.content.decode()
    with schema_context(alpha.schema_name):
        assert not CreditRefund.objects.exists()


def test_an_unused_credit_note_can_be_voided_a_used_one_not(alpha, owner_client):
    ana = make_client(alpha)
    unused = credit(alpha, ana, "30.00")
    used = credit(alpha, ana, "20.00")
    refund(owner_client, used)

    owner_client.post(f"/billing/credits/{unused.pk}/void/")
    refused = owner_client.post(f"/billing/credits/{used.pk}/void/", follow=True)

    assert fresh(alpha, unused).is_void and not fresh(alpha, used).is_void
    assert "can no longer be voided" in refused.content.decode()


def test_the_use_changes_while_something_is_left(alpha, owner_client):
    note = credit(alpha, make_client(alpha), "30.00")

    owner_client.post(f"/billing/credits/{note.pk}/use/", {"use": "refund"})

    assert fresh(alpha, note).use == CreditNote.Use.REFUND
