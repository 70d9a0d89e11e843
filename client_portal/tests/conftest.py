"""Shared helpers of the portal tests: clients, their documents, browsers signed into the
portal, the links the portal emails."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client as Browser
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import install_client_billing, owner_of
from client_portal import links, sessions
from clients.models import Client
from payment_requests import services
from payment_requests.models import PaymentRequest
from payment_requests.tests.conftest import alpha_billing  # noqa: F401 - a fixture of the tests

Status = PaymentRequest.Status
PORTAL_LINK = re.compile(r"https?://[^\s\"<>]+/portal/open/[^\s\"<>/]+/")


@pytest.fixture(autouse=True)
def _client_billing_installed(alpha, beta):
    install_client_billing(alpha)
    install_client_billing(beta)


@pytest.fixture(autouse=True)
def sign_in_links_sent_by_the_worker_at_once(monkeypatch):
    """The sign-in email the page queues is sent at once, as by an idle worker."""
    from client_portal.tasks import email_sign_in_link

    monkeypatch.setattr(email_sign_in_link, "delay", lambda *args: email_sign_in_link.apply(args))


def make_client(tenant, name="Ana Client", email=None, **extra) -> Client:
    email = email or f"{name.split()[0].lower()}@client.test"
    with schema_context(tenant.schema_name):
        return Client.objects.create(name=name, email=email, **extra)


def make_invoice(tenant, client, status=Status.SENT, amount="150.00", **extra) -> PaymentRequest:
    """A request of ``client`` in ``status`` (set directly: these tests are about what the
    portal shows, not about sending, which the platform tests cover)."""
    with schema_context(tenant.schema_name):
        item = services.create_request(
            actor=owner_of(tenant),
            description=extra.pop("description", f"Consulting for {client.name}"),
            client=client,
            amount=Decimal(amount),
            currency=extra.pop("currency", "EUR"),
            due_date=timezone.localdate() + timedelta(days=14),
        )
        changes = {"status": status, **extra}
        if status != Status.DRAFT:
            changes.setdefault("sent_at", timezone.now())
        PaymentRequest.objects.filter(pk=item.pk).update(**changes)
        item.refresh_from_db()
        return item


def browser(tenant, **extra) -> Browser:
    return Browser(HTTP_HOST=tenant.host, **extra)


def signed_in(tenant, client, **extra) -> Browser:
    """A browser signed into ``tenant``'s portal as ``client``."""
    with schema_context(tenant.schema_name):
        _session, key = sessions.open_session(client)
    page = browser(tenant, **extra)
    page.cookies[sessions.COOKIE_NAME] = key
    return page


def portal_token(tenant, client, target="/portal/invoices/", days=30) -> str:
    with schema_context(tenant.schema_name):
        return links.new_link(client, target, valid_for=timedelta(days=days))


def portal_links_in(mail) -> list[str]:
    return PORTAL_LINK.findall(mail.body)


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]
