"""Each process's own copies of the dashboard's derived values (``live.derived``): found only
under the account's current version, never another account's, never more than a bound."""

from __future__ import annotations

import re

from django.core.cache import cache
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, owner_of
from payment_requests import live
from payment_requests.models import PaymentRequest
from payment_requests.tests.conftest import make_client, make_request


def total(page: str, name: str) -> str:
    found = re.search(rf'data-total="{name}">([^<]+)<', page)
    return found.group(1).replace("\xa0", " ") if found else ""


def set_version(tenant, version: str) -> None:
    with schema_context(tenant.schema_name):
        cache.set(live.KEY, version, timeout=None)


def test_a_version_raised_by_another_process_shows_at_the_next_view(alpha, owner_client):
    item = make_request(alpha, make_client(alpha), amount="100.00", description="Logo")
    assert "Logo" in owner_client.get("/billing/").content.decode()
    assert "Logo" in owner_client.get("/billing/").content.decode()  # from this process's copy

    # Another process changes the request and raises the version; this one saw neither.
    with schema_context(alpha.schema_name):
        PaymentRequest.objects.filter(pk=item.pk).update(description="Website")
    set_version(alpha, "raised-elsewhere")

    page = owner_client.get("/billing/").content.decode()
    assert "Website" in page and "Logo" not in page


def test_two_accounts_at_the_same_version_see_their_own_dashboards(alpha, beta):
    make_request(alpha, make_client(alpha), amount="100.00", description="Alpha logo")
    make_request(beta, make_client(beta), amount="300.00", description="Beta website")
    for tenant in (alpha, beta):
        with schema_context(tenant.schema_name):
            PaymentRequest.objects.update(status="sent")  # outstanding
    set_version(alpha, "same")
    set_version(beta, "same")

    on_alpha = client_on(alpha, owner_of(alpha)).get("/billing/").content.decode()
    on_beta = client_on(beta, owner_of(beta)).get("/billing/").content.decode()

    assert "Alpha logo" in on_alpha and "Beta website" not in on_alpha
    assert "Beta website" in on_beta and "Alpha logo" not in on_beta
    assert total(on_alpha, "outstanding-EUR") == "€100.00"
    assert total(on_beta, "outstanding-EUR") == "€300.00"


def test_a_process_keeps_a_bounded_number_of_copies(alpha, monkeypatch):
    monkeypatch.setattr(live, "MAX_RECENT", 3)
    with schema_context(alpha.schema_name):
        for n in range(10):
            assert live.derived("n", lambda n=n: n + 1, str(n), at="v1") == n + 1
            assert len(live._recent) <= 3


def test_nothing_is_copied_while_the_version_is_unknown(alpha):
    with schema_context(alpha.schema_name):
        assert live.derived("n", lambda: 1, "x", at=live.UNKNOWN) == 1
        assert live.derived("n", lambda: 2, "x", at=live.UNKNOWN) == 2
    assert not live._recent


def test_a_copy_is_not_kept_longer_than_the_cache_keeps_its_own(alpha, monkeypatch):
    with schema_context(alpha.schema_name):
        assert live.derived("n", lambda: 1, "x", at="v1") == 1
        cache.clear()  # the cache's copy expired
        assert live.derived("n", lambda: 2, "x", at="v1") == 1  # this process's copy
        later = live.time.monotonic() + live.DERIVED_TTL
        monkeypatch.setattr(live.time, "monotonic", lambda: later)
        assert live.derived("n", lambda: 3, "x", at="v1") == 3
