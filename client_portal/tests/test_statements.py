"""The client's statement of account: balances, lines and ageing from a hand-made ledger, the
PDF read back, and nothing of anyone else's."""

import io
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from pypdf import PdfReader

from client_portal import statements
from client_portal.tests.conftest import Status, make_client, make_invoice, signed_in
from credits.models import CreditApplication, CreditNote
from credits.services import issuing
from payment_requests.models import Payment

START, END = date(2026, 3, 1), date(2026, 3, 31)


def at(day: date, tenant) -> datetime:
    """Noon of ``day`` where the account is: the day its statements see."""
    return timezone.make_aware(datetime.combine(day, time(12)), tenant.tzinfo)


def invoice(tenant, client, number, amount, sent, due, **extra):
    return make_invoice(
        tenant,
        client,
        number=number,
        amount=amount,
        sent_at=at(sent, tenant),
        due_date=due,
        **extra,
    )


def pay(tenant, item, amount, paid, **extra):
    with schema_context(tenant.schema_name):
        return Payment.objects.create(
            request=item,
            source=Payment.Source.MANUAL,
            amount=Decimal(amount),
            currency=item.currency,
            method=extra.pop("method", Payment.Method.BANK_TRANSFER),
            paid_at=at(paid, tenant),
            **extra,
        )


def statement_of(tenant, client, start=START, end=END):
    with schema_context(tenant.schema_name):
        return {s.currency: s for s in statements.statement(client, start, end, tenant.tzinfo)}


@pytest.fixture
def ledger(alpha):
    """Ana's euros: 100 sent in January and 40 of it paid in February (60 open at the start);
    in March, 250.50 sent and 60 paid; one payment undone, one draft, one canceled invoice."""
    ana = make_client(alpha)
    old = invoice(alpha, ana, "INV-1", "100.00", date(2026, 1, 5), date(2026, 1, 20))
    pay(alpha, old, "40.00", date(2026, 2, 10))
    march = invoice(alpha, ana, "INV-2", "250.50", date(2026, 3, 3), date(2026, 3, 17))
    pay(alpha, old, "60.00", date(2026, 3, 12), method=Payment.Method.CHEQUE)
    pay(alpha, march, "99.00", date(2026, 3, 13), undone_at=at(date(2026, 3, 14), alpha))
    invoice(alpha, ana, "INV-3", "7.00", date(2026, 3, 4), date(2026, 3, 4), status=Status.DRAFT)
    invoice(alpha, ana, "INV-4", "9.00", date(2026, 3, 4), date(2026, 3, 4), status=Status.CANCELED)
    invoice(alpha, ana, "INV-5", "11.00", date(2026, 4, 2), date(2026, 4, 9))  # after the end
    return ana


def test_opening_lines_and_closing_balance_from_the_ledger(alpha, ledger):
    euros = statement_of(alpha, ledger)["EUR"]

    assert euros.opening == Decimal("60.00")
    assert [(line.kind, line.label, line.charge, line.credit) for line in euros.lines] == [
        ("invoice", "INV-2", Decimal("250.50"), 0),
        ("payment", "INV-1 · Cheque", 0, Decimal("60.00")),
    ]
    assert euros.closing == Decimal("250.50")  # 60 + 250.50 - 60; the undone payment is not
    assert euros.ageing["1_30"] == Decimal("250.50")  # due on the 17th: 14 days late


def test_a_refund_is_its_own_line_and_is_owed_again(alpha):
    ana = make_client(alpha)
    item = invoice(alpha, ana, "INV-9", "80.00", date(2026, 2, 1), date(2026, 2, 15))
    payment = pay(alpha, item, "80.00", date(2026, 2, 3))
    with schema_context(alpha.schema_name):
        Payment.objects.filter(pk=payment.pk).update(
            amount_refunded=Decimal("30.00"), refunded_at=at(date(2026, 3, 9), alpha)
        )

    euros = statement_of(alpha, ana)["EUR"]

    assert euros.opening == 0
    assert [(line.day, line.kind, line.charge) for line in euros.lines] == [
        (date(2026, 3, 9), "refund", Decimal("30.00"))
    ]
    assert euros.closing == Decimal("30.00")


@pytest.mark.parametrize(
    "days_late, bucket",
    [(-5, "current"), (0, "current"), (1, "1_30"), (30, "1_30"), (31, "31_60"), (60, "31_60"),
     (61, "61_90"), (90, "61_90"), (91, "over_90"), (400, "over_90")],
)  # fmt: skip
def test_ageing_buckets_at_their_boundaries(alpha, days_late, bucket):
    ana = make_client(alpha)
    due = date.fromordinal(END.toordinal() - days_late)
    invoice(alpha, ana, "INV-7", "12.34", min(due, START), due)

    ageing = statement_of(alpha, ana)["EUR"].ageing

    assert ageing == {bucket: Decimal("12.34")}


def test_a_client_billed_in_two_currencies_gets_a_section_for_each(alpha):
    ana = make_client(alpha)
    invoice(alpha, ana, "INV-E", "10.00", date(2026, 3, 2), date(2026, 3, 30))
    invoice(alpha, ana, "INV-J", "5000", date(2026, 3, 2), date(2026, 3, 30), currency="JPY")

    found = statement_of(alpha, ana)

    assert sorted(found) == ["EUR", "JPY"]
    assert found["JPY"].closing == Decimal("5000") and found["EUR"].closing == Decimal("10.00")


def credit_note(tenant, client, amount, issued, reason="Goodwill"):
    with schema_context(tenant.schema_name):
        note = issuing.issue(client=client, currency="EUR", amount=Decimal(amount), reason=reason)
        CreditNote.objects.filter(pk=note.pk).update(issued_at=at(issued, tenant))
        note.refresh_from_db()
        return note


def apply_credit(tenant, note, item, amount, day):
    with schema_context(tenant.schema_name):
        payment = Payment.objects.create(
            request=item, source=Payment.Source.CREDIT, amount=Decimal(amount),
            currency=item.currency, reference=note.number, paid_at=at(day, tenant),
        )  # fmt: skip
        CreditApplication.objects.create(
            credit_note=note, request=item, payment=payment, amount=Decimal(amount),
            applied_at=payment.paid_at,
        )  # fmt: skip
        CreditNote.objects.filter(pk=note.pk).update(amount_applied=Decimal(amount))


def test_credit_notes_lower_the_balance_and_the_ageing_less_unapplied_credit_is_closing(alpha):
    """50 credited in February; in March 100 invoiced, 30 of it paid by the credit and 40 by
    cheque, 5 of the credit refunded and 10 more credited: 30 unpaid, 25 of credit left."""
    ana = make_client(alpha)
    note = credit_note(alpha, ana, "50.00", date(2026, 2, 10), reason="Late delivery")
    item = invoice(alpha, ana, "INV-C", "100.00", date(2026, 3, 3), date(2026, 3, 17))
    apply_credit(alpha, note, item, "30.00", date(2026, 3, 3))
    pay(alpha, item, "40.00", date(2026, 3, 10), method=Payment.Method.CHEQUE)
    with schema_context(alpha.schema_name):
        issuing.record_refund(note.pk, actor=None, amount=Decimal("5.00"),
                              method="bank_transfer", refunded_on=date(2026, 3, 20))  # fmt: skip
    credit_note(alpha, ana, "10.00", date(2026, 3, 25))

    euros = statement_of(alpha, ana)["EUR"]

    assert euros.opening == Decimal("-50.00")
    assert [(line.kind, line.label, line.charge, line.credit) for line in euros.lines] == [
        ("invoice", "INV-C", Decimal("100.00"), 0),
        ("payment", "INV-C · Cheque", 0, Decimal("40.00")),  # the credit's 30 is no payment line
        ("refund", "CR-00001", Decimal("5.00"), 0),
        ("credit", "CR-00002 · Goodwill", 0, Decimal("10.00")),
    ]
    assert euros.closing == Decimal("5.00")
    assert euros.ageing == {"1_30": Decimal("30.00")}
    assert euros.unapplied == Decimal("25.00")
    assert sum(euros.ageing.values()) - euros.unapplied == euros.closing

    text = pdf_text(
        signed_in(alpha, ana).get("/portal/statements/pdf/?from=2026-03-01&to=2026-03-31")
    )
    assert "Unapplied credit" in text and "−€25.00" in text and "CR-00002" in text


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_pdf_shows_the_balances_and_none_of_another_clients_data(alpha, ledger):
    bob = make_client(alpha, "Bob Other")
    invoice(alpha, bob, "INV-BOB", "777.00", date(2026, 3, 5), date(2026, 3, 20))

    response = signed_in(alpha, ledger).get("/portal/statements/pdf/?from=2026-03-01&to=2026-03-31")
    text = pdf_text(response)

    assert "Statement" in text and "Ana Client" in text and alpha.name in text
    assert "€60.00" in text  # opening balance
    assert "€250.50" in text  # INV-2, and the closing balance
    assert "INV-2" in text and "INV-1" not in text.split("Opening balance")[1].split("INV-2")[0]
    assert "INV-BOB" not in text and "777" not in text and "Bob" not in text
    assert "INV-3" not in text and "INV-4" not in text  # draft, canceled
    assert "99.00" not in text  # the undone payment


def test_the_pdf_is_in_the_clients_language(alpha, ledger):
    with schema_context(alpha.schema_name):
        ledger.language = "fr"
        ledger.save(update_fields=["language"])

    response = signed_in(alpha, ledger).get("/portal/statements/pdf/?from=2026-03-01&to=2026-03-31")

    assert "250,50" in pdf_text(response)


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-03-31&to=2026-03-01",  # ends before it starts
        "from=2020-01-01&to=2025-01-02",  # over five years
        "from=2026-02-30&to=2026-03-01",  # no such day
        "from=nonsense&to=2026-03-01",
        "from=9999-12-31&to=9999-12-31x",
    ],
)
def test_bad_periods_are_refused_with_a_reason(alpha, query):
    ana = make_client(alpha)
    page = signed_in(alpha, ana)

    for url in ("/portal/statements/", "/portal/statements/pdf/"):
        response = page.get(f"{url}?{query}")
        assert response.status_code == 400, url
        assert response["Content-Type"].startswith("text/html")


def test_the_page_defaults_to_the_current_month_and_shows_the_balances(alpha, ledger):
    today = timezone.localdate(timezone.now(), alpha.tzinfo)

    text = signed_in(alpha, ledger).get("/portal/statements/").content.decode()

    assert f'value="{today.replace(day=1).isoformat()}"' in text
    assert f'value="{today.isoformat()}"' in text
    assert "Closing balance" in text and "Download the statement (PDF)" in text
    assert 'aria-current="page">Statements<' in text


def test_exactly_five_years_is_allowed(alpha):
    ana = make_client(alpha)

    response = signed_in(alpha, ana).get("/portal/statements/?from=2020-02-29&to=2025-02-28")

    assert response.status_code == 200
