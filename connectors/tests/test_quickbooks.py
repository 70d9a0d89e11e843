"""The QuickBooks connector against its emulator, through intuit-oauth and python-quickbooks."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, owner_of
from billing_saas.testing.quickbooks import connect_quickbooks
from billing_saas.testing.threads import all_at_once, committed_account, in_thread
from connectors import inbox
from connectors.base import ClientRef, InvoiceRequest, Money, PlatformError, RemoteStatus
from connectors.models import Connection, InboundEvent, RemoteObject, RemotePayment
from connectors.quickbooks import client as qbo
from connectors.registry import platform_for
from connectors.remote_state import record
from emulators.quickbooks.app import sign
from emulators.quickbooks.server import VERIFIER_TOKEN


def invoice_request(local_id=1, amount="120.00"):
    return InvoiceRequest(
        local_id=local_id,
        idempotency_key=f"request:{local_id}:send:1",
        number="",
        description="Bookkeeping – November",
        total=Money(Decimal(amount), "USD"),
        due_date=date.today() + timedelta(days=15),
        client=ClientRef(local_id, "Dana Client", "dana@client.test"),
    )


@pytest.fixture
def alpha_books(quickbooks_platform, alpha):
    connection = connect_quickbooks(quickbooks_platform, alpha)
    with schema_context(alpha.schema_name):
        yield platform_for(connection)


def test_oauth_round_trip_in_the_browser_flow(quickbooks_platform, alpha, root_client):
    owner = client_on(alpha, owner_of(alpha))
    start = owner.post("/settings/payments/quickbooks/connect/")
    authorize = start["Location"]
    assert authorize.startswith(quickbooks_platform.url + "/connect/oauth2")
    query = parse_qs(urlsplit(authorize).query)
    assert "com.intuit.quickbooks.accounting" in query["scope"][0]
    answer = requests.post(
        authorize,
        data={"decision": "allow", "company": "Alpha Books LLC"},
        allow_redirects=False,
        timeout=5,
    )
    callback = urlsplit(answer.headers["Location"])
    assert "realmId" in parse_qs(callback.query)
    routed = root_client.get(callback.path + "?" + callback.query)
    back = urlsplit(routed["Location"])
    page = owner.get(back.path + "?" + back.query, follow=True).content.decode()
    with schema_context(alpha.schema_name):
        connection = Connection.objects.get(platform="quickbooks")
    assert connection.display_name == "Alpha Books LLC" and connection.status == "connected"
    assert connection.secrets["refresh_token"].startswith("RT1-")
    assert "Alpha Books LLC" in page and connection.remote_account_id in page


def expire_access(connection):
    values = connection.secrets
    values["access_expires_at"] = str(time.time() - 1)
    connection.secrets = values
    connection.save(update_fields=["encrypted_secrets"])


def test_an_expired_access_token_is_refreshed_and_the_refresh_token_rotates(
    quickbooks_platform, alpha_books
):
    connection = alpha_books.connection
    before = connection.secrets["refresh_token"]
    expire_access(connection)
    calls = quickbooks_platform.state.token_calls
    alpha_books.ensure_customer(ClientRef(1, "Dana", "dana@client.test"))
    connection.refresh_from_db()
    assert quickbooks_platform.state.token_calls == calls + 1
    assert connection.secrets["refresh_token"] != before
    assert float(connection.secrets["access_expires_at"]) > time.time() + 3000
    assert before not in quickbooks_platform.state.refresh_tokens  # the old one is spent


def test_twenty_concurrent_calls_with_an_expired_token_refresh_once(quickbooks_platform, accounts):
    """Committed rows on separate connections (as twenty workers would see them), in an
    account of its own so other tests never see them."""

    def prepare():
        tenant, _owner = committed_account("Books")
        connection = connect_quickbooks(quickbooks_platform, tenant, "Race Books")
        with schema_context(tenant.schema_name):
            expire_access(connection)
        return tenant, connection.pk

    tenant, pk = in_thread(prepare)
    calls = quickbooks_platform.state.token_calls

    def call():
        with schema_context(tenant.schema_name):
            return qbo.access_token(Connection.objects.get(pk=pk))

    tokens = all_at_once(20, call)
    assert quickbooks_platform.state.token_calls == calls + 1
    assert len(tokens) == 20 and len(set(tokens)) == 1  # twenty answers, one fresh token


def test_invalid_grant_marks_the_connection_and_tells_billing_admins(
    quickbooks_platform, alpha_books, mailoutbox
):
    connection = alpha_books.connection
    quickbooks_platform.state.refresh_tokens.clear()  # revoked in QuickBooks
    expire_access(connection)
    with pytest.raises(PlatformError) as refused:
        alpha_books.ensure_customer(ClientRef(1, "Dana", "dana@client.test"))
    assert "reconnect QuickBooks" in refused.value.message
    connection.refresh_from_db()
    assert connection.status == "needs_reconnecting"
    assert mailoutbox and "needs reconnecting" in mailoutbox[0].subject
    assert mailoutbox[0].to == [alpha_books.connection.connected_by.email]


def test_an_invoice_is_created_with_online_payment_and_sent(quickbooks_platform, alpha_books):
    remote = alpha_books.create_and_send_invoice(invoice_request())
    company = quickbooks_platform.state.companies[alpha_books.realm]
    invoice = company.objects["Invoice"][remote.remote_id]
    assert invoice["AllowOnlineCreditCardPayment"] and invoice["AllowOnlineACHPayment"]
    assert invoice["BillEmail"] == {"Address": "dana@client.test"}
    assert invoice["EmailStatus"] == "EmailSent"
    assert remote.amount_due == Money(Decimal("120.00"), "USD")
    assert remote.pay_url.startswith(quickbooks_platform.url + "/app/invoice/")
    # Retried with the same request id (a crashed worker): still one invoice.
    again = alpha_books.create_and_send_invoice(invoice_request())
    assert again.remote_id == remote.remote_id and len(company.objects["Invoice"]) == 1


def test_our_number_is_the_doc_number_and_the_invoice_page_shows_it(
    quickbooks_platform, alpha_books
):
    remote = alpha_books.create_and_send_invoice(replace(invoice_request(), number="INV-00042"))
    company = quickbooks_platform.state.companies[alpha_books.realm]
    assert company.objects["Invoice"][remote.remote_id]["DocNumber"] == "INV-00042"
    assert alpha_books._read(remote.remote_id)["DocNumber"] == "INV-00042"
    assert "Invoice INV-00042" in requests.get(remote.pay_url, timeout=5).text
    # Without our number, QuickBooks numbers the invoice itself.
    other = alpha_books.create_and_send_invoice(invoice_request(2))
    assert alpha_books._read(other.remote_id)["DocNumber"].isdigit()


def test_a_number_longer_than_quickbooks_allows_is_refused_clearly(
    quickbooks_platform, alpha_books
):
    too_long = "INV-" + "9" * 18
    with pytest.raises(PlatformError) as ours:
        alpha_books.create_and_send_invoice(replace(invoice_request(), number=too_long))
    assert "at most 21 characters" in ours.value.message
    # QuickBooks itself refuses it too (the emulator as Intuit does).
    customer = alpha_books.ensure_customer(invoice_request().client)
    body = {
        "CustomerRef": {"value": customer},
        "Line": [{"Amount": "1.00", "DetailType": "SalesItemLineDetail"}],
        "DocNumber": too_long,
    }
    with pytest.raises(PlatformError) as theirs:
        alpha_books._call(lambda qb: qb.create_object("Invoice", json.dumps(body)))
    assert theirs.value.code == "2050"
    assert "Invoice" not in quickbooks_platform.state.companies[alpha_books.realm].objects


def test_voiding_with_a_payment_applied_is_refused_clearly(quickbooks_platform, alpha_books):
    remote = alpha_books.create_and_send_invoice(invoice_request())
    quickbooks_platform.state.pay_invoice(alpha_books.realm, remote.remote_id, Decimal("20"))
    with pytest.raises(PlatformError) as refused:
        alpha_books.void(remote.remote_id)
    assert "payment is applied" in refused.value.message
    other = alpha_books.create_and_send_invoice(invoice_request(2))
    assert alpha_books.void(other.remote_id).status == RemoteStatus.VOID


def test_a_stale_sync_token_is_read_again_not_overwritten(
    quickbooks_platform, alpha_books, monkeypatch
):
    remote = alpha_books.create_and_send_invoice(invoice_request())
    state = quickbooks_platform.state
    company = state.companies[alpha_books.realm]
    read, void = alpha_books._read, state.void_invoice
    edits, voids = [], []

    def edited_in_quickbooks_right_after_our_first_read(invoice_id, with_link=False):
        found = read(invoice_id, with_link)
        if not edits:  # the bookkeeper changes the billing email in QuickBooks meanwhile
            body = {"Id": invoice_id, "SyncToken": found["SyncToken"]}
            edited = state.save_invoice(company, {**body, "BillEmail": {"Address": "ap@x.test"}})
            edits.append(edited["SyncToken"])
        return found

    def void_as_quickbooks_does(company, body):
        try:
            voided = void(company, body)
        except Exception:
            voids.append((body["SyncToken"], "refused"))
            raise
        voids.append((body["SyncToken"], "voided"))
        return voided

    monkeypatch.setattr(alpha_books, "_read", edited_in_quickbooks_right_after_our_first_read)
    monkeypatch.setattr(state, "void_invoice", void_as_quickbooks_does)
    assert alpha_books.void(remote.remote_id).status == RemoteStatus.VOID

    invoice = company.objects["Invoice"][remote.remote_id]
    assert invoice["BillEmail"] == {"Address": "ap@x.test"}  # the bookkeeper's edit stays
    assert invoice["PrivateNote"] == "Voided" and invoice["Balance"] == 0
    # QuickBooks refused the void sent on the stale token; the one sent on the edited
    # version, read again, went through.
    (stale, refused), (fresh, voided) = voids
    assert (refused, voided) == ("refused", "voided") and fresh == edits[0] != stale


def deliver(root_client, body: bytes, signature=None):
    return root_client.post(
        "/webhooks/quickbooks/",
        data=body,
        content_type="application/json",
        HTTP_INTUIT_SIGNATURE=signature or sign(body, VERIFIER_TOKEN),
    )


def process(tenant):
    with schema_context(tenant.schema_name):
        for pk in InboundEvent.objects.filter(processed_at__isnull=True).values_list(
            "pk", flat=True
        ):
            inbox.process(pk)


def paid_invoice(emulator, platform):
    remote = platform.create_and_send_invoice(invoice_request())
    record(platform.connection, "invoice", remote, local_ref="1")
    emulator.state.pay_invoice(platform.realm, remote.remote_id)
    return remote


@pytest.mark.parametrize("fmt", ["classic", "cloudevents"])
def test_a_payment_webhook_marks_the_invoice_paid(
    quickbooks_platform, alpha_books, alpha, root_client, fmt
):
    remote = paid_invoice(quickbooks_platform, alpha_books)
    company = quickbooks_platform.state.companies[alpha_books.realm]
    payment_id = next(iter(company.objects["Payment"]))
    quickbooks_platform.notifier.format = fmt
    body = json.dumps(
        quickbooks_platform.notifier._payload(
            [(alpha_books.realm, "Payment", payment_id, "Create", "2026-11-25T10:00:00Z")]
        )
    ).encode()
    assert deliver(root_client, body).status_code == 200
    assert deliver(root_client, body).status_code == 200  # duplicated delivery
    process(alpha)
    with schema_context(alpha.schema_name):
        assert RemoteObject.objects.get(remote_id=remote.remote_id).status == "paid"
        (payment,) = RemotePayment.objects.all()
        assert payment.amount == Decimal("120.00")


def test_tampered_notifications_are_refused(quickbooks_platform, alpha_books, alpha, root_client):
    body = json.dumps(
        {
            "eventNotifications": [
                {
                    "realmId": alpha_books.realm,
                    "dataChangeEvent": {
                        "entities": [{"name": "Payment", "id": "1", "operation": "Create"}]
                    },
                }
            ]
        }
    ).encode()
    assert deliver(root_client, body, sign(body, "someone-else")).status_code == 400
    assert deliver(root_client, body + b" ", sign(body, VERIFIER_TOKEN)).status_code == 400
    with schema_context(alpha.schema_name):
        assert not InboundEvent.objects.exists()


def test_a_multi_company_delivery_reaches_only_the_right_accounts(
    quickbooks_platform, alpha_books, alpha, beta, root_client
):
    beta_connection = connect_quickbooks(quickbooks_platform, beta, "Beta Books")
    batch = [
        (alpha_books.realm, "Invoice", "2", "Update", "t1"),
        (beta_connection.remote_account_id, "Invoice", "3", "Update", "t2"),
        ("9999999999", "Invoice", "4", "Update", "t3"),
    ]
    body = json.dumps(quickbooks_platform.notifier._payload(batch)).encode()
    assert deliver(root_client, body).status_code == 200
    with schema_context(alpha.schema_name):
        assert list(InboundEvent.objects.values_list("payload__id", flat=True)) == ["2"]
    with schema_context(beta.schema_name):
        assert list(InboundEvent.objects.values_list("payload__id", flat=True)) == ["3"]


def test_change_data_capture_repairs_a_missed_webhook(quickbooks_platform, alpha_books, alpha):
    from connectors.tasks import reconcile_connections

    remote = paid_invoice(quickbooks_platform, alpha_books)
    report = reconcile_connections(alpha.schema_name)
    assert report["new"] >= 2
    with schema_context(alpha.schema_name):
        assert RemoteObject.objects.get(remote_id=remote.remote_id).status == "paid"
        assert RemotePayment.objects.count() == 1


def burst(platform, calls, threads=25) -> list[int]:
    """``calls`` fetches spread over ``threads`` threads; how many each thread made."""

    def work():
        made = 0
        with schema_context(platform.connection_schema):
            for _ in range(calls // threads):
                platform.fetch_invoice(platform.invoice_id)
                made += 1
        return made

    return all_at_once(threads, work, deadline=120)


@pytest.fixture
def fast_limits(settings, quickbooks_platform):
    """Intuit's limits on a one-second window (instead of a minute), on both sides."""
    state = quickbooks_platform.state
    saved = (state.rate_limit, state.rate_window, state.max_concurrent)
    state.rate_limit, state.rate_window, state.max_concurrent = 200, 1.0, 10
    settings.QUICKBOOKS_RATE_LIMIT, settings.QUICKBOOKS_RATE_WINDOW_SECONDS = 200, 1
    settings.QUICKBOOKS_MAX_CONCURRENT = 10
    yield state
    state.rate_limit, state.rate_window, state.max_concurrent = saved


def committed_books(quickbooks_platform):
    def prepare():
        tenant, _owner = committed_account("Limit")
        connection = connect_quickbooks(quickbooks_platform, tenant, "Limit Books")
        with schema_context(tenant.schema_name):
            platform = platform_for(connection)
            platform.invoice_id = platform.create_and_send_invoice(invoice_request()).remote_id
        platform.connection_schema = tenant.schema_name
        return platform

    return in_thread(prepare)


def test_a_burst_of_1000_calls_stays_within_intuits_limits(
    quickbooks_platform, fast_limits, accounts
):
    platform = committed_books(quickbooks_platform)
    throttled = fast_limits.throttled
    done = burst(platform, 1000)
    assert len(done) == 25 and sum(done) == 1000
    assert fast_limits.throttled == throttled  # the emulator never had to answer 429


def test_a_429_is_waited_out_and_retried(quickbooks_platform, fast_limits, settings, accounts):
    platform = committed_books(quickbooks_platform)
    fast_limits.rate_limit = 40  # Intuit is stricter than we were told: 429s happen
    throttled = fast_limits.throttled
    done = burst(platform, 200, threads=10)
    assert len(done) == 10 and sum(done) == 200
    assert fast_limits.throttled > throttled


def test_disconnecting_revokes_the_tokens(quickbooks_platform, alpha_books, alpha):
    from connectors import services

    refresh = alpha_books.connection.secrets["refresh_token"]
    services.disconnect(alpha_books.connection)
    assert refresh not in quickbooks_platform.state.refresh_tokens
    with schema_context(alpha.schema_name):
        assert Connection.objects.get(pk=alpha_books.connection.pk).status == "disconnected"


def test_a_partial_payment_shows_the_balance(quickbooks_platform, alpha_books, alpha, root_client):
    remote = alpha_books.create_and_send_invoice(invoice_request())
    record(alpha_books.connection, "invoice", remote, local_ref="1")
    payment = quickbooks_platform.state.pay_invoice(
        alpha_books.realm, remote.remote_id, Decimal("50")
    )
    body = json.dumps(
        quickbooks_platform.notifier._payload(
            [(alpha_books.realm, "Payment", payment["Id"], "Create", "t")]
        )
    ).encode()
    deliver(root_client, body)
    process(alpha)
    with schema_context(alpha.schema_name):
        obj = RemoteObject.objects.get(remote_id=remote.remote_id)
        assert obj.status == "partially_paid" and obj.amount_paid == Decimal("50.00")
        assert RemotePayment.objects.get().amount == Decimal("50.00")


def test_every_company_that_consents_gets_its_own_realm(quickbooks_platform):
    """Realm ids are unique, as Intuit's are: two accounts never share a company."""
    state = quickbooks_platform.state
    before = len(state.companies)
    realms = {state.consent(f"Company {n}", f"c{n}@books.test", "https://x.test/cb")[1]
              for n in range(3000)}  # fmt: skip
    assert len(realms) == 3000 and len(state.companies) == before + 3000
