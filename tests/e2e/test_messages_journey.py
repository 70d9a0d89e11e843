"""Issue 15's journey in Chromium: an administrator sets up custom SMTP and sends a test email;
an employee sends a request by email and SMS; the dev outbox shows both; the side panel shows
what became of each (Twilio's status callbacks included), and an SMS that did not arrive shows
on the dashboard with *Resend*. Screenshots land in ``test-artifacts/messages/``.

This module runs a server of its own: its processes must trust the test SMTP server's
certificate (``SSL_CERT_FILE``, read by OpenSSL when a process starts) and send SMS through the
Twilio emulator, which the session's server does not. Its worker listens on a Redis database
of its own, so the session's worker (other settings) never takes its messages.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from billing_saas.testing.fixtures import committed_account, make_member
from billing_saas.testing.polling import wait_until
from billing_saas.testing.stripe import connect_stripe
from emulators.stripe.server import app_settings as stripe_settings
from emulators.twilio.courier import http_post
from emulators.twilio.server import app_settings as twilio_settings
from notifications.tests.smtp_server import PASSWORD, USER, running_smtp_server
from tests.e2e.conftest import serving
from tests.e2e.test_signup_and_team import sign_in

SHOTS = "test-artifacts/messages"
VIEWPORTS = ({"width": 1280, "height": 900}, {"width": 390, "height": 844})
CARL = ("Carl Client", "carl@client.test", "+33612345678")
# The emulator takes a text to this number, then reports it undelivered (error 30003).
UNA = ("Una Unreachable", "una@client.test", "+15005550020")
DELIVERY_WAIT = 30  # the request committed → the worker hands both messages over


@pytest.fixture(scope="module")
def mail_server(tmp_path_factory):
    with running_smtp_server(tmp_path_factory.mktemp("smtp")) as (server, cert):
        yield server, cert


def _post_to_loopback(url: str, params: dict, headers: dict) -> int:
    """Chromium resolves ``<slug>.localhost``, Python does not: the callback goes to
    127.0.0.1 with the account's host in its Host header (what the signature covers)."""
    parts = urlsplit(url)
    local = parts._replace(netloc=f"127.0.0.1:{parts.port}").geturl()
    return http_post(local, params, {**headers, "Host": parts.netloc})


@pytest.fixture(scope="module")
def twilio(twilio_emulator):
    """The emulator holding its status callbacks until ``flush_callbacks()``, which posts
    them over HTTP to this module's server."""
    courier = twilio_emulator.courier
    twilio_emulator.state.reset()
    courier.discard_held()
    courier.post, courier.synchronous = _post_to_loopback, True
    yield twilio_emulator
    courier.post, courier.synchronous = http_post, False
    courier.discard_held()


def _redis_database_of_our_own() -> str:
    return urlsplit(os.environ["REDIS_URL"])._replace(path="/11").geturl()


@pytest.fixture(scope="module")
def app(accounts, stripe_emulator, quickbooks_emulator, twilio, mail_server):
    _server, cert = mail_server
    with serving(
        stripe_emulator,
        quickbooks_emulator,
        log_name="messages-server",
        SSL_CERT_FILE=str(cert),
        REDIS_URL=_redis_database_of_our_own(),
        **twilio_settings(twilio.url),
    ) as live:
        yield live


@pytest.fixture(scope="module")
def account(accounts, stripe_emulator, django_db_blocker):
    """Committed (the server must see it): connected to Stripe, an employee given Client
    Billing, two clients with a mobile number."""
    from clients.models import Client
    from payment_requests.models import BillingAccess

    tenant = committed_account(django_db_blocker, "messages", "Messages Studio", "Mona Owner")
    with django_db_blocker.unblock(), override_settings(**stripe_settings(stripe_emulator.url)):
        connect_stripe(stripe_emulator, tenant, business_name="Messages Studio")
        emma = make_member(tenant, f"emma@{tenant.slug}.example", full_name="Emma Employee")
        with schema_context(tenant.schema_name):
            BillingAccess.objects.create(user=emma)  # an administrator shared Client Billing
            for name, email, mobile in (CARL, UNA):
                Client.objects.create(name=name, email=email, mobile=mobile)
        connection.set_schema_to_public()
    return tenant


def signed_in(browser, app, account, email):
    context = browser.new_context(viewport=VIEWPORTS[0])
    context.set_default_timeout(15000)
    page = context.new_page()
    sign_in(page, app, account.host, email)
    expect(page).not_to_have_url(re.compile("/accounts/login/"))
    return page


def send_by_email_and_sms(page, app, account, client, description) -> int:
    page.goto(app.account_url(account, "/billing/requests/new/"))
    page.get_by_label("Description").fill(description)
    page.get_by_label("Client", exact=True).fill(client[0][:4].lower())
    page.get_by_role("option").get_by_role("button", name=re.compile(client[0])).click()
    page.get_by_label("Unit price").fill("480")
    page.get_by_label("Due date").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    page.get_by_label("Email and SMS").check()
    page.get_by_role("button", name="Send payment request").click()
    expect(page.get_by_text(re.compile(r"Payment request INV-\d+ sent to"))).to_be_visible()
    from payment_requests.models import PaymentRequest

    with schema_context(account.schema_name):
        return PaymentRequest.objects.get(description=description).pk


def statuses(account, pk) -> dict[str, str]:
    from notifications.models import Message

    with schema_context(account.schema_name):
        rows = Message.objects.filter(document_type="payment_request", document_id=pk)
        return {row.channel: row.status for row in rows}


def handed_over(account, pk) -> dict[str, str]:
    """Both messages left (the worker's part); Twilio's reports are held until flushed."""
    return wait_until(
        lambda: statuses(account, pk),
        lambda found: found == {"email": "sent", "sms": "sent"},
        timeout=DELIVERY_WAIT,
    )


def fits(page, width: int, what: str, *, tables: bool = True) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{what} scrolls sideways at {width} px ({scroll} px wide)"
    cut = page.evaluate(
        "[...document.querySelectorAll('.table-wrap')]"
        ".filter(wrap => wrap.scrollWidth > wrap.clientWidth).length"
    )
    assert not (tables and cut), f"a table of {what} is cut off at {width} px"


def shoot_at_each_width(page, name: str, locator=None, *, tables: bool = True) -> None:
    """Loaded afresh at each width, as on that device; the whole page, or ``locator``."""
    for viewport in VIEWPORTS:
        page.set_viewport_size(viewport)
        page.reload()
        fits(page, viewport["width"], name, tables=tables)
        path = f"{SHOTS}/{name}-{viewport['width']}.png"
        if locator is None:
            page.screenshot(path=path, full_page=True)
        else:
            locator.scroll_into_view_if_needed()
            locator.screenshot(path=path)
    page.set_viewport_size(VIEWPORTS[0])


def test_custom_smtp_test_email_then_a_request_by_email_and_sms_in_outbox_and_panel(
    browser, app, account, mail_server, twilio
):
    server, _cert = mail_server
    admin = signed_in(browser, app, account, account.owner_email)
    admin.goto(app.account_url(account, "/settings/email/"))
    admin.get_by_label("Custom SMTP").check()
    admin.get_by_label("Host", exact=True).fill(server.host)
    admin.get_by_label("Port", exact=True).fill(str(server.port))
    admin.get_by_label("Security", exact=True).select_option(label="STARTTLS")
    admin.get_by_label("User name", exact=True).fill(USER)
    admin.get_by_label("Password", exact=True).fill(PASSWORD)
    admin.get_by_label("From", exact=True).fill("Messages Studio <invoices@messages.example>")
    admin.get_by_label("Reply-To", exact=True).fill("accounts@messages.example")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.get_by_text("Email settings saved.")).to_be_visible()

    admin.get_by_role("button", name="Send a test email").click()
    expect(
        admin.get_by_text(f"The server accepted the test email for {account.owner_email}.")
    ).to_be_visible()
    admin.screenshot(path=f"{SHOTS}/email-settings-test-sent.png", full_page=True)
    (test_email,) = server.received
    assert test_email.recipients == [account.owner_email]
    assert test_email.message["From"] == "Messages Studio <invoices@messages.example>"
    assert test_email.message["Reply-To"] == "accounts@messages.example"

    # Back to the default sending: the request's email then lands in the dev outbox.
    admin.get_by_label("Default sending").check()
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.get_by_text("Email settings saved.")).to_be_visible()

    employee = signed_in(browser, app, account, f"emma@{account.slug}.example")
    pk = send_by_email_and_sms(employee, app, account, CARL, "Website – May")
    handed_over(account, pk)
    assert len(server.received) == 1  # the request's email did not go through the custom SMTP

    # The outbox is for billing administrators: the owner reads it.
    admin.goto(app.account_url(account, "/dev/outbox/"))
    email_row = admin.locator("tbody tr", has_text=CARL[1])
    sms_row = admin.locator("tbody tr", has_text=CARL[2])
    expect(email_row.locator(".badge")).to_have_text("Email")
    expect(email_row).to_contain_text("Messages Studio")
    expect(sms_row.locator(".badge")).to_have_text("SMS")
    expect(sms_row).to_contain_text("Messages Studio: payment request of")
    # A developer's page: at 390 px its table scrolls inside its frame (the text column hidden).
    shoot_at_each_width(admin, "outbox", tables=False)

    assert twilio.flush_callbacks() >= 2  # the SMS's "sent", then "delivered"
    employee.goto(app.account_url(account, f"/billing/?open={pk}"))
    messages = employee.locator(".side-panel .deliveries")
    email = messages.locator(".deliveries__item", has_text=CARL[1])
    sms = messages.locator(".deliveries__item", has_text=CARL[2])
    expect(employee.locator(".side-panel #messages")).to_have_text("Messages")
    expect(email.locator(".deliveries__channel")).to_have_text("Email")
    expect(email.locator(".badge")).to_have_text("Sent")
    expect(sms.locator(".deliveries__channel")).to_have_text("SMS")
    expect(sms.locator(".badge")).to_have_text("Delivered")
    expect(sms).to_contain_text("delivered at")
    expect(messages.get_by_role("button", name="Resend")).to_have_count(0)
    shoot_at_each_width(employee, "panel-messages-sent", messages)
    shoot_at_each_width(employee, "panel-sent")


def bounced(browser, app, account, twilio, description):
    """A request to Una by email and SMS, the SMS reported undelivered: its page and pk."""
    employee = signed_in(browser, app, account, f"emma@{account.slug}.example")
    pk = send_by_email_and_sms(employee, app, account, UNA, description)
    handed_over(account, pk)
    assert twilio.flush_callbacks() >= 2  # "sent", then "undelivered"
    return employee, pk


def test_an_sms_not_delivered_shows_on_the_dashboard_and_in_the_panel(
    browser, app, account, twilio
):
    employee, pk = bounced(browser, app, account, twilio, "Logo – May")

    employee.goto(app.account_url(account, "/billing/"))
    problem = employee.locator(f'tr[data-request="{pk}"] [data-delivery-problem="bounced"]')
    expect(problem.locator(".badge")).to_have_text("Not delivered")
    expect(problem).to_contain_text("the phone is off or out of reach")
    shoot_at_each_width(employee, "dashboard-not-delivered")

    problem.get_by_role("link", name="Resend").click()
    messages = employee.locator(".side-panel .deliveries")
    sms = messages.locator(".deliveries__item--problem", has_text=UNA[2])
    expect(sms.locator(".badge")).to_have_text("Bounced")
    expect(sms).to_contain_text(
        "The SMS did not arrive: the phone is off or out of reach (Twilio error 30003)."
    )
    email = messages.locator(".deliveries__item", has_text=UNA[1])
    expect(email.locator(".badge")).to_have_text("Sent")
    shoot_at_each_width(employee, "panel-messages-bounced", messages)


def test_a_bounced_sms_can_be_resent_from_the_panel(browser, app, account, twilio):
    employee, pk = bounced(browser, app, account, twilio, "Flyer – May")

    employee.goto(app.account_url(account, f"/billing/?open={pk}#messages"))
    sms = employee.locator(".side-panel .deliveries__item", has_text=UNA[2])
    expect(sms.locator(".badge")).to_have_text("Bounced")
    sms.get_by_role("button", name="Resend").click(timeout=3000)
    expect(employee.get_by_text("The message is on its way again.")).to_be_visible()
    wait_until(lambda: len(twilio.sent_to(UNA[2])), lambda sent: sent >= 2, timeout=DELIVERY_WAIT)
