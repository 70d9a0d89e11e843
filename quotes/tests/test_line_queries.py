"""A quote's lines and their taxes are written in a fixed number of statements, however many
lines it has (issue 16: a 500-line quote is saved as fast as a short one; ``python -m bench
--only quotes`` times it)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import owner_of
from clients.models import Client
from payment_requests.models import TaxRate
from payment_requests.services.lines import LineDraft
from quotes import services
from quotes.models import QuoteLineTax


def drafts(count: int) -> list[LineDraft]:
    """``count`` lines of 2 × 10.00, taxed GST + QST on every other one."""
    gst = TaxRate.objects.get_or_create(name="GST", rate=Decimal("5"))[0]
    qst = TaxRate.objects.get_or_create(name="QST", rate=Decimal("9.975"))[0]
    return [
        LineDraft(f"Item {i}", Decimal(2), Decimal(10), None, (gst, qst) if i % 2 else ())
        for i in range(count)
    ]


def statements(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


def created(tenant, lines: list[LineDraft]):
    return services.create_quote(
        actor=owner_of(tenant),
        client=Client.objects.get_or_create(name="Ana", email="ana@client.test")[0],
        currency="EUR",
        valid_until=services.account_today() + timedelta(days=30),
        lines=lines,
    )


def test_a_500_line_quote_is_created_in_as_many_statements_as_a_5_line_one(alpha):
    owner_of(alpha)  # the actor, looked up before counting
    with schema_context(alpha.schema_name):
        short, long = drafts(5), drafts(500)
        Client.objects.get_or_create(name="Ana", email="ana@client.test")
        few = statements(lambda: created(alpha, short))
        many = statements(lambda: created(alpha, long))
        quote = services.update_quote(created(alpha, short).pk, actor=None, lines=long)

        assert many == few
        assert quote.lines.count() == 500
        # Every other line carries GST and QST, each line 20.00 before tax.
        assert QuoteLineTax.objects.filter(line__quote=quote).count() == 500
        assert quote.subtotal == Decimal("10000.00")
        assert quote.total == Decimal("10000.00") + 250 * (Decimal("1.00") + Decimal("2.00"))


def test_editing_a_draft_into_500_lines_takes_as_many_statements_as_into_5(alpha):
    with schema_context(alpha.schema_name):
        short, long = drafts(5), drafts(500)
        first, second = created(alpha, short), created(alpha, short)
        few = statements(lambda: services.update_quote(first.pk, actor=None, lines=short))
        many = statements(lambda: services.update_quote(second.pk, actor=None, lines=long))

        assert many == few
        assert list(second.lines.order_by("position").values_list("position", flat=True)) == list(
            range(1, 501)
        )
