"""The Client Billing dashboard: filters, search, totals and what it leaves out."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django_tenants.utils import schema_context

from payment_requests.models import PaymentRequest
from payment_requests.tests.conftest import make_client, make_request


def rows(owner_client, query=""):
    page = owner_client.get(f"/billing/?{query}").content.decode()
    return re.findall(r'<tr data-request="\d+"[^>]*>\s*<td[^>]*><a [^>]*>([^<]+)</a>', page), page


def seed(alpha):
    ana = make_client(alpha, "ana@client.test", "Ana")
    bo = make_client(alpha, "bo@client.test", "Bo", company="Bo Bakery")
    today = timezone.localdate()
    sent = make_request(alpha, ana, amount="100.00", description="Logo", days=3)
    overdue = make_request(alpha, bo, amount="40.00", description="Bread photos", days=20)
    paid = make_request(alpha, bo, amount="1000", currency="JPY", description="Menu", days=9)
    make_request(alpha, ana, amount="7.00", description="Draft only", days=30)
    with schema_context(alpha.schema_name):
        PaymentRequest.objects.filter(pk=sent.pk).update(status="sent")
        PaymentRequest.objects.filter(pk=overdue.pk).update(
            status="overdue", due_date=today - timedelta(days=2)
        )
        PaymentRequest.objects.filter(pk=paid.pk).update(
            status="paid", amount_paid=Decimal("1000"), paid_at=timezone.now()
        )


def test_filters_and_search_narrow_the_list(alpha, owner_client):
    seed(alpha)
    assert len(rows(owner_client)[0]) == 4
    assert rows(owner_client, "status=overdue")[0] == ["Bo"]
    assert rows(owner_client, "q=bakery")[0] == ["Bo", "Bo"]
    assert rows(owner_client, "q=logo")[0] == ["Ana"]
    with schema_context(alpha.schema_name):
        bo = PaymentRequest.objects.filter(client__name="Bo").first().client_id
    assert sorted(rows(owner_client, f"client={bo}")[0]) == ["Bo", "Bo"]
    today = timezone.localdate()
    start, end = today + timedelta(days=1), today + timedelta(days=10)
    window = f"from={start.isoformat()}&to={end.isoformat()}"
    assert sorted(rows(owner_client, window)[0]) == ["Ana", "Bo"]
    assert rows(owner_client, "from=not-a-date")[1]  # bad input is ignored, not a crash


def test_totals_are_per_currency(alpha, owner_client):
    seed(alpha)
    page = owner_client.get("/billing/").content.decode()

    def total(name):
        return re.search(rf'data-total="{name}">([^<]+)<', page).group(1).replace("\xa0", " ")

    assert total("outstanding-EUR") == "€140.00"
    assert total("overdue-EUR") == "€40.00"
    assert total("paid-JPY") == "¥1,000"


def test_the_next_page_keeps_the_search_and_filters(alpha, owner_client, monkeypatch):
    from payment_requests import dashboard

    monkeypatch.setattr(dashboard, "PAGE_SIZE", 2)
    seed(alpha)
    make_request(alpha, amount="5.00", description="Bread rolls", days=4)
    make_request(alpha, amount="6.00", description="Bread sticks", days=5)
    with schema_context(alpha.schema_name):
        PaymentRequest.objects.filter(description__startswith="Bread").update(status="sent")
    first, page = rows(owner_client, "status=sent&q=br&open=1")
    assert len(first) == 2
    next_url = re.search(r'href="(\?[^"]*page=2[^"]*)"', page).group(1).replace("&amp;", "&")
    assert "status=sent" in next_url and "q=br" in next_url and "open=" not in next_url
    second, _page = rows(owner_client, next_url[1:])
    assert len(second) == 1  # three sent requests match "br": two, then one
