from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, owner_of
from clients.models import Client
from payment_requests.models import TaxRate
from payment_requests.services.lines import LineDraft
from payment_requests.tests.conftest import (  # noqa: F401 - fixtures the tests use
    _client_billing_installed,
    alpha_billing,
    owner_client,
)
from products.models import Product
from quotes import services
from quotes.models import Quote

MOBILE = "+33612345678"


def quebec_quote(tenant, *, client=None, days=30, **extra) -> Quote:
    """1.5 h of design (GST + QST) and 3 months of hosting less 5.00 (GST + QST): 258.45 CAD
    with training."""
    with schema_context(tenant.schema_name):
        gst = TaxRate.objects.get_or_create(name="GST", rate=Decimal("5"))[0]
        qst = TaxRate.objects.get_or_create(name="QST", rate=Decimal("9.975"))[0]
        client = client or Client.objects.create(
            name="Ana Client", email="ana@client.test", company="Client Co"
        )
        return services.create_quote(
            actor=owner_of(tenant),
            client=client,
            currency="CAD",
            valid_until=services.account_today() + timedelta(days=days),
            lines=[
                LineDraft("Design work", Decimal("1.5"), Decimal("80"), None, (gst, qst)),
                LineDraft("Hosting", Decimal("3"), Decimal("25"), Decimal("5"), (gst, qst)),
                LineDraft("Training", Decimal("1"), Decimal("40")),
            ],
            **extra,
        )


def send_quote(tenant, pk, captured):
    with captured(execute=True), schema_context(tenant.schema_name):
        return services.send_quote(pk, actor=owner_of(tenant))


def quote_link(mail) -> str:
    return next(word for word in mail.body.split() if "/quote/" in word)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.fixture
def sent_quote(alpha, mailoutbox, django_capture_on_commit_callbacks):
    """A quote sent to Ana: (the quote, the path of Ana's link)."""
    quote = send_quote(alpha, quebec_quote(alpha).pk, django_capture_on_commit_callbacks)
    (mail,) = mailoutbox
    mailoutbox.clear()
    return quote, path_of(quote_link(mail))


@pytest.fixture
def visitor(alpha):
    return client_on(alpha)


@pytest.fixture
def catalog(alpha):
    with schema_context(alpha.schema_name):
        gst = TaxRate.objects.get_or_create(name="GST", rate=Decimal("5"))[0]
        product = Product.objects.create(
            name="Brand workshop", unit_price=Decimal("450.00"), currency="EUR", unit="day"
        )
        product.tax_rates.set([gst])
        return product
