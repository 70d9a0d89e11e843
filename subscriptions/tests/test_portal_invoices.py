"""A subscription's invoices in the client's portal: asked of the platform when the page is
shown, the client's own only, and a polite message when the platform does not answer."""

from __future__ import annotations

import requests

from emulators.stripe.app import Fault
from subscriptions.tests.conftest import (
    a_plan,
    make_client,
    only_subscription,
    signed_in,
    subscribe,
    sync,
)


def renew(emulator, connection, subscription) -> None:
    """The emulator's test control: the period ends and the platform bills the next one."""
    response = requests.post(
        f"{emulator.url}/_emulator/subscriptions/{subscription.remote_id}/renew",
        json={"account": connection.remote_account_id},
        timeout=5,
    )
    response.raise_for_status()


def test_the_portal_lists_the_first_invoice_and_the_renewal_as_paid(
    alpha, stripe_platform, alpha_stripe, staff
):
    plan = a_plan(alpha, "Pro", "49.99")
    ana = make_client(alpha, "Ana Client")
    subscribe(staff, plan, ana)
    sync(alpha_stripe)
    subscription = only_subscription(alpha)
    renew(stripe_platform, alpha_stripe, subscription)
    portal = signed_in(alpha, ana)

    listed = portal.get("/portal/subscriptions/").content.decode()
    page = portal.get(f"/portal/subscriptions/{subscription.pk}/invoices/").content.decode()

    assert f'href="/portal/subscriptions/{subscription.pk}/invoices/"' in listed
    assert "Show invoices" in listed
    assert "Invoices of Pro" in page
    assert page.count("data-invoice=") == 2
    assert page.count("€49.99") == 2 and page.count("Paid") == 2
    assert page.count('target="_blank"') == 2 and stripe_platform.url in page


def test_another_clients_subscription_invoices_are_not_found(alpha, alpha_stripe, staff):
    plan = a_plan(alpha)
    ana, bob = make_client(alpha, "Ana Client"), make_client(alpha, "Bob Other")
    subscribe(staff, plan, bob)
    sync(alpha_stripe)
    bobs = only_subscription(alpha)

    answer = signed_in(alpha, ana).get(f"/portal/subscriptions/{bobs.pk}/invoices/")

    assert answer.status_code == 404


def test_a_platform_that_does_not_answer_leaves_a_polite_message(
    alpha, stripe_platform, alpha_stripe, staff
):
    plan = a_plan(alpha, "Pro", "49.99")
    ana = make_client(alpha, "Ana Client")
    subscribe(staff, plan, ana)
    sync(alpha_stripe)
    subscription = only_subscription(alpha)
    # More failures than the SDK's retries: the listing fails for good.
    stripe_platform.app.faults.append(
        Fault({"method": "GET", "path": r"/v1/invoices", "kind": "error_500", "times": 5})
    )

    answer = signed_in(alpha, ana).get(f"/portal/subscriptions/{subscription.pk}/invoices/")

    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Your invoices cannot be shown right now" in page and "€49.99" not in page


def test_each_subscription_lists_only_its_own_invoices(alpha, alpha_stripe, staff):
    from django_tenants.utils import schema_context

    from subscriptions.models import Subscription

    basic, pro = a_plan(alpha, "Basic", "19.99"), a_plan(alpha, "Pro", "49.99", group="team")
    ana = make_client(alpha, "Ana Client")
    subscribe(staff, basic, ana)
    subscribe(staff, pro, ana)
    sync(alpha_stripe)
    with schema_context(alpha.schema_name):
        basics = Subscription.objects.get(plan=basic)

    page = signed_in(alpha, ana).get(f"/portal/subscriptions/{basics.pk}/invoices/")

    assert "€19.99" in page.content.decode() and "€49.99" not in page.content.decode()
