"""Every portal URL, asked by client A of alpha for what is not its own: refused, unchanged.

The URL patterns are read from ``client_portal.urls``, so a new portal page is probed without
anyone adding it here; a pattern with a parameter this module cannot fill fails the run
(KIND_OF). Each is asked by GET and by POST, signed in as A, with the ids of: client B's
documents (same account, same schema: the real risk), A's own drafts and deleted or canceled
requests and undone payments, and beta's documents (other schema: ids that exist there but
are none of A's here). Tokens: beta's link, A's links to B's invoice or to a canceled one.
Every answer is a refusal (404, 405, or 410 for A's own canceled documents, which says no
more than that), shows none of B's or beta's data, and nothing changes: no quote answered,
nothing paid, no session opened, no message sent. Then alpha's portal cookie on beta's host,
and staff sessions, which are no portal sessions (nor the reverse).

The objects are made once for the module, in a transaction rolled back at its end.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client as Browser
from django.test import override_settings
from django.urls import get_resolver
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, install_client_billing, owner_of
from billing_saas.testing.stripe import connect_stripe
from client_portal import links, registration, sessions
from client_portal.models import PortalLink, PortalRegistration, PortalSession
from clients.models import Client
from connectors.models import Connection
from emulators.stripe.server import app_settings as stripe_settings
from notifications.models import Message
from payment_methods.models import SavedPaymentMethod
from payment_requests import services
from payment_requests.models import Payment, PaymentRequest
from payment_requests.services.lines import LineDraft
from quotes import services as quote_services
from quotes.models import Quote
from recurring.models import RecurringInvoice
from subscriptions.models import Plan, Subscription

Status = PaymentRequest.Status
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
# What each parametrised portal URL names, by URL name: a new one must be added here.
KIND_OF = {
    "open_link": "token",
    "fresh_link": "token",
    "confirm_registration": "token",
    "invoice": "invoice",
    "invoice_pdf": "invoice",
    "pay": "invoice",
    "quote": "quote",
    "quote_approve": "quote",
    "quote_decline": "quote",
    "payment": "payment",
    "staff_open": "client",
    "staff_open_invoice": "invoice",
    "payment_methods:detail": "method",
    "payment_methods:remove": "method",
    "payment_methods:make_default": "method",
    "subscriptions:portal_cancel": "subscription",
    "subscriptions:portal_plan": "subscription",
    "subscriptions:portal_invoices": "subscription",
    "recurring:portal_detail": "recurring",
}
# Staff pages among the portal's URLs: to a portal session, the staff's sign-in page.
STAFF_ROUTES = {"staff_open", "staff_open_invoice", "settings"}
# Texts of B and of beta (amounts end in their own digits, found in any locale's format):
# found in an answer, it shows what A may not see. A's own amounts end in 123.45.
FORBIDDEN = ("bobsecret", "betasecret", "319.47", "319,47", "256.18", "256,18")


@dataclass
class Route:
    name: str
    route: str  # "portal/invoices/<int:pk>/"

    @property
    def parameters(self) -> list[str]:
        return [match["name"] for match in PARAMETER.finditer(self.route)]

    def url(self, value="") -> str:
        return "/" + PARAMETER.sub(str(value), self.route)


# The portal's URLconfs: its own, and its sections kept in other apps (named with their app's).
PORTAL_URLCONFS = {
    "client_portal.urls": "",
    "payment_methods.urls": "payment_methods:",
    "subscriptions.urls": "subscriptions:",
    "recurring.urls": "recurring:",
}
ROUTES = [
    Route(prefix + entry.name, str(entry.pattern))
    for urlconf, prefix in PORTAL_URLCONFS.items()
    for entry in get_resolver(urlconf).url_patterns
    # other apps' URL modules hold their staff pages too: only their portal pages here
    if urlconf == "client_portal.urls" or str(entry.pattern).startswith("portal/")
]


@dataclass
class World:
    ana: Client = None  # client A: the probes' browser is hers
    targets: dict[str, list[tuple[str, object]]] = field(default_factory=dict)  # kind: ids
    own: dict[str, object] = field(default_factory=dict)  # kind: one of A's shown documents
    beta_targets: dict[str, list[tuple[str, object]]] = field(default_factory=dict)
    tokens_of_ana: list[str] = field(default_factory=list)  # alpha links of hers, usable


def invoice(tenant, client, status=Status.SENT, amount="7319.47", **changes):
    with schema_context(tenant.schema_name):
        item = services.create_request(
            actor=owner_of(tenant), description=f"{client.name} work", client=client,
            amount=Decimal(amount), currency="EUR", due_date=timezone.localdate() + timedelta(9),
        )  # fmt: skip
        sent_at = None if status in (Status.DRAFT, Status.SENDING) else timezone.now()
        PaymentRequest.objects.filter(pk=item.pk).update(status=status, sent_at=sent_at, **changes)
        return item.pk


def quote(tenant, client, status=Quote.Status.SENT, price="7319.47"):
    with schema_context(tenant.schema_name):
        made = quote_services.create_quote(
            actor=owner_of(tenant), client=client, currency="EUR",
            valid_until=quote_services.account_today() + timedelta(days=30),
            lines=[LineDraft(f"{client.name} plan", Decimal(1), Decimal(price))],
        )  # fmt: skip
        Quote.objects.filter(pk=made.pk).update(status=status, sent_at=timezone.now())
        return made.pk


def payment(tenant, request_pk, amount="7319.47", **extra):
    with schema_context(tenant.schema_name):
        return Payment.objects.create(
            request_id=request_pk, source="manual", amount=Decimal(amount), currency="EUR",
            method="cash", paid_at=timezone.now(), **extra,
        ).pk  # fmt: skip


def saved_method(tenant, client, last4, brand="visa", **extra):
    """A card kept on the account's Stripe (saved as ``sync`` would mirror it); B's and beta's
    brands are their markers."""
    with schema_context(tenant.schema_name):
        return SavedPaymentMethod.objects.create(
            client=client, connection=Connection.objects.get(), remote_id=f"pm_{last4}",
            brand=brand, last4=last4, exp_month=12, exp_year=2034, **extra,
        ).pk  # fmt: skip


def subscription(tenant, client, price="7319.47"):
    """A subscription of ``client`` to a plan of a group with another plan (so every option
    shows), on a connection row of its own (no platform is asked: every probe is refused)."""
    from connectors.models import Connection

    with schema_context(tenant.schema_name):
        # The account's own (never asked: every probe is refused before any platform call).
        connection = Connection.objects.first() or Connection.objects.create(
            platform="stripe", remote_account_id="acct_probe", status="disconnected"
        )
        plan = Plan.objects.create(name=f"{client.name} plan", price=Decimal(price), group="g")
        Plan.objects.create(name="Other plan", price=Decimal(1), group="g")
        return Subscription.objects.create(
            client=client, connection=connection, remote_id=f"sub_{client.pk}", plan=plan,
            status=Subscription.Status.ACTIVE,
        ).pk  # fmt: skip


def recurring(tenant, client, total="7319.47", **extra):
    """An active monthly recurring invoice of ``client`` (its total is its marker)."""
    with schema_context(tenant.schema_name):
        today = timezone.localdate()
        return RecurringInvoice.objects.create(
            client=client, description=f"{client.name} hosting", total=Decimal(total),
            start_on=today, next_send_on=today + timedelta(days=30), **extra,
        ).pk  # fmt: skip


def client(tenant, name, email):
    with schema_context(tenant.schema_name):
        return Client.objects.create(name=name, email=email)


def build(alpha, beta) -> World:
    world, now = World(), timezone.now()
    ana = world.ana = client(alpha, "Ana Client", "ana@client.test")
    bob = client(alpha, "Bobsecret Other", "bob@client.test")
    bobs = {status: invoice(alpha, bob, status) for status in Status}  # one in each status
    bobs_invoice, bobs_paid = bobs[Status.SENT], bobs[Status.PAID]
    anas_canceled = invoice(alpha, ana, Status.CANCELED, "6123.45")
    world.own = {
        "invoice": invoice(alpha, ana, amount="6123.45"),
        "quote": quote(alpha, ana, price="6123.45"),
        "client": ana.pk,
        "subscription": subscription(alpha, ana, "6123.45"),
    }
    world.own["payment"] = payment(alpha, invoice(alpha, ana, Status.PAID, "6123.45"), "6123.45")
    world.own["method"] = saved_method(alpha, ana, "6123")
    world.own["recurring"] = recurring(alpha, ana, "6123.45")
    world.targets = {
        "invoice": [
            *[(f"B's {status} invoice", pk) for status, pk in bobs.items()],
            ("A's draft", invoice(alpha, ana, Status.DRAFT)),
            ("A's request being sent", invoice(alpha, ana, Status.SENDING)),
            ("A's canceled invoice", anas_canceled),
            ("A's deleted paid invoice", invoice(alpha, ana, Status.PAID, deleted_at=now)),
            ("A's deleted canceled request",
             invoice(alpha, ana, Status.CANCELED, deleted_at=now)),
        ],
        "quote": [
            *[(f"B's {status} quote", quote(alpha, bob, status)) for status in Quote.Status],
            ("A's draft quote", quote(alpha, ana, Quote.Status.DRAFT)),
        ],
        "payment": [
            ("B's payment", payment(alpha, bobs_paid)),
            ("B's payment of a refunded invoice", payment(alpha, bobs[Status.REFUNDED])),
            ("A's undone payment", payment(alpha, anas_canceled, undone_at=timezone.now())),
        ],
        "client": [("B", bob.pk)],
        "method": [("B's card", saved_method(alpha, bob, "3194", "bobsecret")),
                   ("A's removed card", saved_method(alpha, ana, "6124", removed_at=now))],
        "subscription": [("B's subscription", subscription(alpha, bob))],
        "recurring": [("B's recurring invoice", recurring(alpha, bob)),
                      ("A's paused one", recurring(alpha, ana, "6123.45", status="paused"))],
    }  # fmt: skip
    with schema_context(alpha.schema_name):
        # Links of A's that are dead: to B's invoice, to A's canceled one; and a usable one.
        bobs_quote = dict(world.targets["quote"])["B's sent quote"]
        dead = [f"/portal/invoices/{bobs_invoice}/", f"/portal/invoices/{anas_canceled}/pay/",
                f"/portal/quotes/{bobs_quote}/approve/"]  # fmt: skip
        tokens = [links.new_link(ana, target, valid_for=timedelta(days=9)) for target in dead]
        world.tokens_of_ana = [links.new_link(ana, "/portal/", valid_for=timedelta(days=9))]
    world.targets["token"] = [("A's dead link", token) for token in tokens]
    world.targets["token"].append(("a made-up token", "x" * 43))
    beta_client = client(beta, "Betasecret Client", "zed@beta.test")
    beta_paid = invoice(beta, beta_client, Status.PAID, "4256.18")
    world.beta_targets = {
        "invoice": [("beta's invoice", invoice(beta, beta_client, amount="4256.18")),
                    ("beta's paid invoice", beta_paid),
                    ("beta's canceled invoice", invoice(beta, beta_client, Status.CANCELED)),
                    ("beta's draft", invoice(beta, beta_client, Status.DRAFT))],
        "quote": [("beta's quote", quote(beta, beta_client, price="4256.18")),
                  ("beta's draft quote", quote(beta, beta_client, Quote.Status.DRAFT))],
        "payment": [("beta's payment", payment(beta, beta_paid, "4256.18"))],
        "client": [("beta's client", beta_client.pk)],
        "method": [("beta's card", saved_method(beta, beta_client, "2561", "betasecret"))],
        "subscription": [("beta's subscription", subscription(beta, beta_client, "4256.18"))],
        "recurring": [("beta's recurring invoice", recurring(beta, beta_client, "4256.18"))],
    }  # fmt: skip
    with schema_context(beta.schema_name):
        beta_token = links.new_link(beta_client, "/portal/", valid_for=timedelta(days=9))
        # Registration open on both accounts: beta's pending one confirms nothing on alpha.
        registration.set_open(True)
        beta_registration = secrets.token_urlsafe(32)
        PortalRegistration.objects.create(
            name="Betasecret Newcomer", email="new@beta.test", language="en",
            token_hash=links.hash_token(beta_registration),
            expires_at=timezone.now() + timedelta(days=1),
        )  # fmt: skip
    with schema_context(alpha.schema_name):
        registration.set_open(True)
    world.targets["token"].append(("beta's registration link", beta_registration))
    world.beta_targets["token"] = [("beta's link", beta_token)]
    return world


@pytest.fixture(scope="module")
def world(accounts, django_db_blocker, stripe_emulator):
    """One set of objects for every probe (tests roll back to it), dropped at the end. Both
    accounts are on (emulated) Stripe, which keeps payment methods: the portal offers them."""
    alpha, beta = accounts["alpha"], accounts["beta"]
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(**stripe_settings(stripe_emulator.url)),
    ):
        install_client_billing(alpha)
        install_client_billing(beta)
        connect_stripe(stripe_emulator, alpha)
        connect_stripe(stripe_emulator, beta)
        yield build(alpha, beta)
        transaction.set_rollback(True)


def not_anas(world, kind, targets):
    """Beta's ids that name none of A's documents here: an id both schemas hold would be
    A's own document, rightly shown."""
    own = {world.own.get(kind)} | {value for label, value in world.targets[kind] if "A's" in label}
    return [(label, value) for label, value in targets if value not in own]


def snapshot(tenant):
    with schema_context(tenant.schema_name):
        return (
            list(PaymentRequest.objects.order_by("pk").values_list("pk", "status", "deleted_at")),
            list(Quote.objects.order_by("pk").values_list("pk", "status", "decline_reason")),
            list(Payment.objects.order_by("pk").values_list("pk", "undone_at")),
            list(PortalSession.objects.order_by("pk").values_list("pk", "client_id")),
            list(PortalLink.objects.order_by("pk").values_list("pk", "used_at")),
            list(PortalRegistration.objects.order_by("pk").values_list("pk", "used_at")),
            list(Client.objects.order_by("pk").values_list("pk", "name", "mobile", "language")),
            list(
                SavedPaymentMethod.objects.order_by("pk").values_list(
                    "pk", "is_default", "removed_at"
                )
            ),
            list(
                Subscription.objects.order_by("pk").values_list(
                    "pk", "plan_id", "cancellation_requested_at", "cancel_at_period_end"
                )
            ),
            Message.objects.count(),
        )


def portal_browser(tenant, client_, host_tenant=None) -> Browser:
    """A browser with a portal session of ``client_`` (of ``tenant``), on ``host_tenant``."""
    with schema_context(tenant.schema_name):
        _session, key = sessions.open_session(client_)
    page = Browser(HTTP_HOST=(host_tenant or tenant).host)
    page.cookies[sessions.COOKIE_NAME] = key
    return page


def post_body(world) -> dict:
    """Fields naming B's documents, as a crafted form would."""
    bob = dict(world.targets["client"])["B"]
    return {"pk": bob, "client": bob, "reason": "probe", "email": "bob@client.test", "name": ""}


def text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode(errors="replace").lower()


def refused(route: Route, response, what: str) -> None:
    text = text_of(response)
    leaked = [marker for marker in FORBIDDEN if marker in text]
    assert not leaked, f"{what} shows {leaked}"
    if route.name in STAFF_ROUTES:  # the staff's sign-in page, or 405 for a GET
        location = response.get("Location", "")
        assert response.status_code == 405 or "/accounts/login/" in location, (
            f"{what} answered {response.status_code} {location}"
        )
    else:
        assert response.status_code in (404, 405, 410), f"{what} answered {response.status_code}"


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_client_a_is_refused_what_is_not_its_own_through(
    route, world, alpha, beta, mailoutbox, django_capture_on_commit_callbacks
):
    kind = KIND_OF.get(route.name)
    if route.parameters and kind is None:
        pytest.fail(f"{route.name}: {route.parameters} are probed with nothing; add to KIND_OF")
    page = portal_browser(alpha, world.ana)
    before = snapshot(alpha), snapshot(beta)
    if kind is None:  # no id in the path: ids in the query and the form, A's own page only
        targets = [("B's ids in the query", f"?pk={world.targets['client'][0][1]}&show=all")]
    else:
        targets = world.targets[kind] + not_anas(world, kind, world.beta_targets[kind])
    with django_capture_on_commit_callbacks(execute=True):
        for label, value in targets:
            url = route.url(value) if kind else route.url() + value
            for method in ("get", "post"):
                response = getattr(page, method)(url, post_body(world) if method == "post" else {})
                what = f"{method.upper()} {url} ({label})"
                if kind is None:
                    text = text_of(response)
                    assert response.status_code < 500, f"{what} answered {response.status_code}"
                    assert not [marker for marker in FORBIDDEN if marker in text], what
                else:
                    refused(route, response, what)
    after = snapshot(alpha), snapshot(beta)
    if route.name == "sign_out":  # the probe's own session ended: nothing else did
        assert after[1] == before[1]
    else:
        assert after == before, "a probe changed a document, a session, a link or a client"
    assert mailoutbox == []


def test_every_parametrised_portal_url_is_probed():
    names = {route.name for route in ROUTES}
    assert {"invoice", "pay", "quote_approve", "payment", "open_link"} <= names
    unfilled = [route.name for route in ROUTES if route.parameters and route.name not in KIND_OF]
    assert unfilled == []
    assert len(names) == len(ROUTES), "two portal URLs share a name"


def test_the_probes_browser_sees_its_own_documents(world, alpha):
    """The refusals above are not those of a browser signed in as no one."""
    page = portal_browser(alpha, world.ana)
    for name, kind in (("invoice", "invoice"), ("quote", "quote"), ("payment", "payment")):
        url = next(route for route in ROUTES if route.name == name).url(world.own[kind])
        response = page.get(url)
        assert response.status_code == 200 and "123.45" in response.content.decode(), url


def test_alphas_portal_cookie_is_refused_on_betas_host(world, alpha, beta, mailoutbox):
    page = portal_browser(alpha, world.ana, host_tenant=beta)
    before = snapshot(beta)
    for route in ROUTES:
        kind = KIND_OF.get(route.name)
        values = [value for _label, value in world.beta_targets[kind]] if kind else [""]
        if kind == "token":
            values = world.tokens_of_ana  # alpha's usable link, on beta's host
        for value, method in [(value, method) for value in values for method in ("get", "post")]:
            url = route.url(value)
            response = getattr(page, method)(url)
            text = text_of(response)
            what = f"{method.upper()} {url} on beta"
            assert "betasecret" not in text and "256.18" not in text, what
            location = response.get("Location", "")
            assert (
                location in ("/portal/sign-in/", "")
                or "/accounts/login/" in location
                or (route.name == "sign_in" and response.status_code == 200)
            ), f"{what}: {response.status_code} {location}"
            assert response.status_code in (200, 302, 404, 405, 429), what
            if route.name == "sign_in" and method == "get":
                assert 'name="email"' in text  # asked to sign in: not signed in
    assert snapshot(beta) == before and mailoutbox == []


def test_a_staff_session_opens_no_portal_page_and_a_portal_session_no_staff_page(world, alpha):
    staff = client_on(alpha, owner_of(alpha))
    for route in ROUTES:
        if route.name in STAFF_ROUTES or KIND_OF.get(route.name) == "token":
            continue  # the staff's own way into a client's portal; tokens are no sessions
        value = world.own.get(KIND_OF.get(route.name), "")
        response = staff.get(route.url(value))
        text = response.content.decode()
        assert "123.45" not in text, route.name
        if route.name in ("sign_in", "register"):  # public: the staff's session is no client's
            assert response.status_code == 200 and 'name="email"' in text
        elif response.status_code != 405:
            assert response.get("Location") == "/portal/sign-in/", route.name
    portal = portal_browser(alpha, world.ana)
    own = world.own["invoice"]
    for url in ("/billing/", "/billing/clients/", f"/billing/requests/{own}/", "/billing/quotes/"):
        response = portal.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
