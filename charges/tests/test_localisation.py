"""Amounts and dates on the charges pages as the reader writes them."""

from __future__ import annotations

from datetime import date

from billing_saas.testing.fixtures import client_on, owner_of
from charges.tests.conftest import a_charge, a_client
from tenants.models import Tenant


def test_a_french_account_reads_french_amounts_and_dates(alpha):
    Tenant.objects.filter(pk=alpha.pk).update(language="fr", country="FR")
    ana = a_client(alpha)
    a_charge(alpha, ana, "1234.50", due=date(2030, 12, 1), description="Forfait")
    a_charge(alpha, ana, "1200", currency="JPY", due=date(2030, 12, 1), description="Thé")
    owner = client_on(alpha, owner_of(alpha))

    for url in ("/billing/charges/", f"/billing/clients/{ana.pk}/payments/"):
        page = owner.get(url).content.decode()
        assert "1\u202f234,50\xa0€" in page, url
        assert "1\u202f200\xa0JPY" in page or "1\u202f200\xa0¥" in page, url
        assert "1 décembre 2030" in page, url


def test_an_english_account_reads_english_amounts_and_dates(alpha):
    ana = a_client(alpha)
    a_charge(alpha, ana, "1234.50", due=date(2030, 12, 1))
    page = client_on(alpha, owner_of(alpha)).get("/billing/charges/").content.decode()

    assert "€1,234.50" in page and "Dec. 1, 2030" in page
