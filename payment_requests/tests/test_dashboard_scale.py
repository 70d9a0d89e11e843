"""The dashboard at scale: a client filter that never lists every client, a live refresh
that re-renders only after a change, totals kept between changes, one access check."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, owner_of
from clients.models import Client
from payment_requests.models import PaymentRequest
from payment_requests.tests.conftest import (
    deliver_new_events,
    event_count,
    make_client,
    make_request,
)
from payment_requests.tests.test_uploads_access_queries import seed


def live_url(page: str) -> str:
    return re.search(r'hx-get="(/billing/live/\?[^"]+)"', page).group(1).replace("&amp;", "&")


def total(page: str, name: str) -> str:
    found = re.search(rf'data-total="{name}">([^<]+)<', page)
    return found.group(1).replace("\xa0", " ") if found else ""


def statements(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, [query["sql"] for query in captured.captured_queries]


def test_the_client_filter_lists_no_client_until_one_is_searched(alpha, owner_client):
    for n in range(30):
        make_client(alpha, f"c{n}@client.test", f"Zed Client {n:02}", company=f"Firm {n}")
    make_client(alpha, "ines@brasserie.test", "Inès Dupont", company="Brasserie du Port")
    page = owner_client.get("/billing/").content.decode()
    assert "Zed Client" not in page and "Inès" not in page  # no <option> per client

    suggestions = owner_client.get("/billing/clients/suggestions/?client_name=zed").content
    assert len(re.findall(rb'data-client="\d+"', suggestions)) == 8  # a few, never all 30
    by_company = owner_client.get("/billing/clients/suggestions/?client_name=BRASSERIE")
    assert b"In\xc3\xa8s Dupont" in by_company.content
    by_email = owner_client.get("/billing/clients/suggestions/?client_name=ines@")
    assert b"In\xc3\xa8s Dupont" in by_email.content
    nobody = owner_client.get("/billing/clients/suggestions/?client_name=nobody")
    assert "No client matches “nobody”." in nobody.content.decode()


def test_picking_or_typing_a_client_filters_the_list(alpha, owner_client):
    ana = make_client(alpha, "ana@client.test", "Ana", company="Ana Studio")
    bo = make_client(alpha, "bo@client.test", "Bo", company="Bo Bakery")
    make_request(alpha, ana, description="Logo")
    make_request(alpha, bo, description="Bread photos")

    picked = owner_client.get(f"/billing/?client={bo.pk}").content.decode()
    assert "Bread photos" in picked and "Logo" not in picked
    assert 'value="Bo (Bo Bakery)"' in picked  # the picked client is shown in the field
    typed = owner_client.get("/billing/?client_name=ana").content.decode()  # no JavaScript
    assert "Logo" in typed and "Bread photos" not in typed


def test_the_live_refresh_answers_204_until_something_changes(alpha, owner_client):
    ana = make_client(alpha, "ana@client.test", "Ana")
    make_request(alpha, ana, description="Logo")
    page = owner_client.get("/billing/?status=draft").content.decode()
    url = live_url(page)
    assert "status=draft" in url and "v=" in url

    unchanged, queries = statements(owner_client, url)
    assert unchanged.status_code == 204 and unchanged.content == b""
    assert not any("payment_requests_paymentrequest" in sql for sql in queries)

    make_request(alpha, ana, description="Brand book")
    changed = owner_client.get(url)
    assert changed.status_code == 200
    fragment = changed.content.decode()
    assert fragment.lstrip().startswith('<div id="live"')  # the live part alone
    assert "Brand book" in fragment and "<html" not in fragment
    assert owner_client.get(live_url(fragment)).status_code == 204  # the new version


def test_a_payment_applied_by_the_worker_refreshes_the_open_dashboard(
    stripe_platform,
    alpha_billing,
    alpha,
    sent_request,
    owner_client,
    django_capture_on_commit_callbacks,
):
    url = live_url(owner_client.get("/billing/").content.decode())
    assert owner_client.get(url).status_code == 204
    since = event_count(stripe_platform, alpha_billing)
    stripe_platform.state.pay_invoice(
        alpha_billing.remote_account_id, sent_request.remote.remote_id, "4242424242424242"
    )
    with django_capture_on_commit_callbacks(execute=True):
        deliver_new_events(stripe_platform, alpha_billing, alpha, since)
    fragment = owner_client.get(url)
    assert fragment.status_code == 200
    assert 'status--paid">Paid<' in fragment.content.decode()


def test_totals_and_counts_are_kept_until_a_change(alpha, owner_client):
    ana = make_client(alpha, "ana@client.test", "Ana")
    item = make_request(alpha, ana, amount="100.00")
    with schema_context(alpha.schema_name):
        PaymentRequest.objects.filter(pk=item.pk).update(status="sent")
    first, queries = statements(owner_client, "/billing/")
    assert any("SUM(" in sql for sql in queries) and any("COUNT(" in sql for sql in queries)
    # Another page of the same list (its rendering is not kept yet): totals and count are.
    again, queries = statements(owner_client, "/billing/?page=1")
    assert not any("SUM(" in sql or "COUNT(" in sql for sql in queries)
    assert total(again.content.decode(), "outstanding-EUR") == "€100.00"

    with schema_context(alpha.schema_name):
        moved = PaymentRequest.objects.get(pk=item.pk)
        moved.amount = Decimal("250.00")
        moved.save()  # any save moves the version
    after = owner_client.get("/billing/").content.decode()
    assert total(after, "outstanding-EUR") == "€250.00"


def test_paid_this_month_counts_the_month_of_the_account_time_zone(alpha, owner_client):
    ana = make_client(alpha, "ana@client.test", "Ana")
    item = make_request(alpha, ana, amount="80.00")
    zone = alpha.tzinfo  # Europe/Paris by default
    today = timezone.localdate(timezone=zone)
    first_local_minute = timezone.make_aware(
        timezone.datetime.combine(today.replace(day=1), timezone.datetime.min.time()), zone
    )
    with schema_context(alpha.schema_name):
        PaymentRequest.objects.filter(pk=item.pk).update(
            status="paid", amount_paid=Decimal("80.00"), paid_at=first_local_minute
        )  # in UTC this is still the month before
    page = owner_client.get("/billing/").content.decode()
    assert total(page, "paid-EUR") == "€80.00"


def test_a_dashboard_page_runs_few_statements_whatever_the_size(alpha, beta):
    seed(alpha, 10)
    seed(beta, 500)
    counts = {}
    for tenant in (alpha, beta):
        client = client_on(tenant, owner_of(tenant))
        _, queries = statements(client, "/billing/?page=2")
        counts[tenant.slug] = queries
        installation_checks = [sql for sql in queries if "solutions_installation" in sql]
        assert len(installation_checks) == 1  # the view and both menu entries share it
    assert len(counts["alpha"]) == len(counts["beta"]) <= 12


def test_client_names_are_not_fetched_for_the_filter(beta):
    seed(beta, 200)
    client = client_on(beta, owner_of(beta))
    _, queries = statements(client, "/billing/")
    assert not any(
        'FROM "clients_client"' in sql and "LIMIT" not in sql and "JOIN" not in sql
        for sql in queries
    )
    with schema_context(beta.schema_name):
        assert Client.objects.count() == 200


def test_with_the_cache_down_the_dashboard_still_shows_everything(alpha, owner_client, settings):
    ana = make_client(alpha, "ana@client.test", "Ana")
    make_request(alpha, ana, description="Logo")
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
            "KEY_FUNCTION": "django_tenants.cache.make_key",
        },
    }
    page = owner_client.get("/billing/")
    assert page.status_code == 200 and "Logo" in page.content.decode()
    refresh = owner_client.get(live_url(page.content.decode()))
    assert refresh.status_code == 200 and "Logo" in refresh.content.decode()
