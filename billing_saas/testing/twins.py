"""Alpha and beta holding the same ids, for the tests that probe one account from another.

Each schema numbers its rows with its own sequences, so ids repeat from one account to the
next: a view that looked in the wrong schema, or trusted an id without looking it up, would
answer with another account's row. ``build_twins`` makes every kind of object once in each
account under the same pk (the *twin*: beta's answer must show beta's row), then once more in
alpha only, under a pk beta has never handed out (*alpha only*: beta's answer must be "not
found"). Every text of an account carries its marker ("alphaonly", "betaonly") and its amounts
end in its own digits, so a page showing another account's data is caught by a substring.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import connection
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import install_client_billing, make_member, owner_of
from billing_saas.testing.stripe import connect_stripe
from bookings import services as booking_services
from bookings.models import Booking
from charges.api_keys import create_key
from charges.models import ApiKey, Charge
from charges.services import add_charge
from client_portal import links as portal_links
from clients.models import Client
from connectors.models import Connection, RemoteObject
from connectors.routing.models import AccountRoute, OAuthState
from credits.models import CreditNote
from credits.services import issuing as credit_issuing
from notifications.models import OutboxMessage
from payment_requests import services
from payment_requests.models import (
    Attachment,
    BillingSettings,
    PaymentRequest,
    PlatformCustomer,
)
from products.models import Product
from quotes import services as quote_services
from quotes.models import Quote
from recurring.models import RecurringInvoice
from subscriptions.models import Plan, Subscription
from tenants.members import services as members
from tenants.members.models import Invitation, Role, User
from tenants.members.tokens import account_password_reset_token
from tenants.models import Domain, Tenant

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
# Alpha's amounts all end in 319.47, beta's in 256.18: found in a page in any locale's format.
AMOUNTS = {"alpha": ("7319.47", "8319.47"), "beta": ("4256.18", "5256.18")}
MARKERS = {
    "alpha": ("alphaonly", "alpha studio", "319.47", "319,47"),
    "beta": ("betaonly", "beta studio", "256.18", "256,18"),
}
BETA_MARKER = "betaonly"
SKIP_AHEAD = 1000  # beta never hands out this many ids of one kind within a test


@dataclass
class Objects:
    """One account's objects, one of each kind a URL names by id."""

    client: Client
    request: PaymentRequest  # sent: its client has a pay link
    draft: PaymentRequest
    attachment: Attachment  # of ``request``
    member: User
    invitation: Invitation
    connection: Connection
    outbox_message: OutboxMessage
    product: Product
    quote: Quote  # sent: its client has a link
    booking: Booking  # of ``client`` for ``product``, with its charge
    charge: Charge  # unbilled, of ``client``
    api_key: ApiKey
    credit_note: CreditNote | None = None  # of ``client``, to refund: never applied on send
    recurring: RecurringInvoice | None = None  # active, of ``client`` (add_recurring_twins)
    plan: Plan | None = None  # add_subscription_twins
    subscription: Subscription | None = None  # active, of ``client`` on ``plan``


@dataclass
class Account:
    tenant: Tenant
    twin: Objects
    alpha_only: Objects | None
    pay_token: str
    quote_token: str
    invitation_token: str
    welcome_token: str
    reset_uid: str
    reset_token: str
    portal_token: str = ""  # a link into the portal of ``twin.client``, to its request
    markers: tuple[str, ...] = ()  # its texts, amounts and platform ids, found nowhere else

    def found_in(self, text: str) -> list[str]:
        """This account's markers found in ``text`` (any case): its data is shown there."""
        text = text.lower()
        return [marker for marker in self.markers if marker.lower() in text]


def _sequence(schema: str, model) -> str:
    table = f"{connection.ops.quote_name(schema)}.{connection.ops.quote_name(model._meta.db_table)}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        return cursor.fetchone()[0]


def _last_used(sequence: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
        value, called = cursor.fetchone()
    return value if called else value - 1


def _set_last_used(sequence: str, value: int) -> None:
    # setval is not rolled back with the test's transaction: only ever move forward.
    if value > _last_used(sequence):
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(%s, %s, true)", [sequence, value])


def align(model, *tenants: Tenant) -> None:
    """The next id of ``model`` is the same in every one of ``tenants``."""
    sequences = [_sequence(tenant.schema_name, model) for tenant in tenants]
    target = max(_last_used(sequence) for sequence in sequences)
    for sequence in sequences:
        _set_last_used(sequence, target)


def skip_ahead(model, tenant: Tenant, others: list[Tenant]) -> None:
    """The next id of ``model`` in ``tenant`` is one the ``others`` will not reach in a test."""
    align(model, tenant, *others)
    sequence = _sequence(tenant.schema_name, model)
    _set_last_used(sequence, _last_used(sequence) + SKIP_AHEAD)


def _label(tenant: Tenant, extra: str = "") -> str:
    return f"{tenant.slug}only{extra}"


def _client(tenant, extra="") -> Client:
    label = _label(tenant, extra)
    with schema_context(tenant.schema_name):
        return Client.objects.create(
            name=f"Ana {label.title()}", company=f"{label.title()} Co", email=f"ana@{label}.test"
        )


def _request(tenant, client, amount, extra="") -> PaymentRequest:
    with schema_context(tenant.schema_name):
        return services.create_request(
            actor=owner_of(tenant),
            description=f"{_label(tenant, extra).title()} retainer",
            client=client,
            amount=Decimal(amount),
            currency="EUR",
            due_date=timezone.localdate() + timedelta(days=14),
        )


def _attachment(tenant, request, extra="") -> Attachment:
    label = _label(tenant, extra)
    with schema_context(tenant.schema_name):
        return Attachment.objects.create(
            request=request,
            file=ContentFile(PDF + label.upper().encode(), name="brief.pdf"),
            original_name=f"{label}-brief.pdf",
            content_type="application/pdf",
            size=len(PDF) + len(label),
            uploaded_by=owner_of(tenant),
        )


def _product(tenant, extra="") -> Product:
    label = _label(tenant, extra)
    with schema_context(tenant.schema_name):
        return Product.objects.create(
            name=f"{label.title()} workshop",
            description=f"{label} agenda",
            unit_price=Decimal(AMOUNTS[tenant.slug][0]),
        )


def _quote(tenant, client, extra="") -> Quote:
    from payment_requests.services.lines import LineDraft

    with schema_context(tenant.schema_name):
        return quote_services.create_quote(
            actor=owner_of(tenant),
            title=f"{_label(tenant, extra).title()} renovation",
            client=client,
            currency="EUR",
            valid_until=timezone.localdate() + timedelta(days=30),
            lines=[LineDraft("Works", Decimal(1), Decimal(AMOUNTS[tenant.slug][1]))],
        )


def _booking(tenant, client, product) -> Booking:
    with schema_context(tenant.schema_name):
        return booking_services.book(
            client=client, service=product, starts_at=timezone.now() + timedelta(days=2)
        )


def _charge(tenant, client, extra="") -> Charge:
    with schema_context(tenant.schema_name):
        return add_charge(
            client=client,
            description=f"{_label(tenant, extra).title()} haircut",
            unit_price=Decimal(AMOUNTS[tenant.slug][1]),
            currency="EUR",
            due_date=timezone.localdate(),
        )[0]


def _api_key(tenant, extra="") -> ApiKey:
    with schema_context(tenant.schema_name):
        return create_key(f"{_label(tenant, extra).title()} booking tool")[0]


def _credit_note(tenant, client, extra="") -> CreditNote:
    with schema_context(tenant.schema_name):
        return credit_issuing.issue(
            client=client,
            currency="EUR",
            amount=Decimal(AMOUNTS[tenant.slug][1]),
            reason=f"{_label(tenant, extra).title()} goodwill",
            use=CreditNote.Use.REFUND,
        )


def _send_quote(tenant, quote, captured, mailoutbox) -> str:
    """Sends the quote; returns the token of the link emailed to the client."""
    with captured(execute=True), schema_context(tenant.schema_name):
        quote_services.send_quote(quote.pk, actor=owner_of(tenant))
    mail = [mail for mail in mailoutbox if "/quote/" in mail.body][-1]
    link = next(word for word in mail.body.split() if "/quote/" in word)
    return link.rstrip("/").rsplit("/", 1)[1]


def _member(tenant, extra="") -> User:
    label = _label(tenant, extra)
    return make_member(tenant, f"max@{label}.test", Role.EMPLOYEE, full_name=f"Max {label.title()}")


def _invitation(tenant, extra="") -> tuple[Invitation, str]:
    tokens = []
    with schema_context(tenant.schema_name):
        invitation = members.invite(
            owner_of(tenant),
            f"new@{_label(tenant, extra)}.test",
            Role.EMPLOYEE,
            accept_url_for=lambda token: tokens.append(token) or f"/accounts/invitations/{token}/",
        )
    return invitation, tokens[0]


def _outbox_message(tenant, extra="") -> OutboxMessage:
    label = _label(tenant, extra)
    email = EmailMessage(
        f"{label} message", f"{label} body", "billing@example.com", [f"ana@{label}.test"]
    )
    email.attach(f"{label}.txt", f"{label} attachment", "text/plain")
    with schema_context(tenant.schema_name):
        return OutboxMessage.objects.create(
            subject=email.subject,
            from_address=email.from_email,
            to=email.to,
            body_text=email.body,
            body_html=f"<p>{label} html</p>",
            raw=email.message().as_bytes(),
        )


def _alpha_only_connection(tenant) -> Connection:
    with schema_context(tenant.schema_name):
        return Connection.objects.create(
            platform=Connection.Platform.STRIPE,
            remote_account_id="acct_alphaonlyextra",
            display_name="Alphaonly Extra",
        )


def _send(tenant, request, captured, mailoutbox) -> str:
    """Sends the request; returns the token of the link emailed to the client."""
    with captured(execute=True), schema_context(tenant.schema_name):
        services.send_request(request.pk, actor=owner_of(tenant))
    [mail] = [mail for mail in mailoutbox if mail.to == [request.client.email]]
    link = next(word for word in mail.body.split() if "/pay/" in word)
    return link.rstrip("/").rsplit("/", 1)[1]


def _twins(model, alpha, beta, make) -> tuple:
    """``make(tenant, index)`` once in alpha (index 0) and once in beta (1), under one id."""
    align(model, alpha, beta)
    pair = make(alpha, 0), make(beta, 1)
    ids = [(item[0] if isinstance(item, tuple) else item).pk for item in pair]
    assert ids[0] == ids[1], f"{model.__name__}: alpha got id {ids[0]}, beta {ids[1]}"
    return pair


def build_twins(alpha, beta, emulator, captured, mailoutbox) -> tuple[Account, Account]:
    """Alpha and beta, both connected to emulated Stripe, with twins of every kind of object
    and alpha-only objects. Needs MEDIA_ROOT pointing at a throwaway folder."""
    emulator.sender.paused = True
    for tenant in (alpha, beta):
        install_client_billing(tenant)
    connections = _twins(
        Connection,
        alpha,
        beta,
        lambda t, _: connect_stripe(emulator, t, business_name=f"{t.name} {_label(t).title()}"),
    )
    users = _twins(User, alpha, beta, lambda t, _: _member(t))
    clients = _twins(Client, alpha, beta, lambda t, _: _client(t))
    requests = _twins(
        PaymentRequest, alpha, beta, lambda t, i: _request(t, clients[i], AMOUNTS[t.slug][0])
    )
    drafts = _twins(
        PaymentRequest, alpha, beta, lambda t, i: _request(t, clients[i], AMOUNTS[t.slug][1])
    )
    attachments = _twins(Attachment, alpha, beta, lambda t, i: _attachment(t, requests[i]))
    invitations = _twins(Invitation, alpha, beta, lambda t, _: _invitation(t))
    outbox = _twins(OutboxMessage, alpha, beta, lambda t, _: _outbox_message(t))
    products = _twins(Product, alpha, beta, lambda t, _: _product(t))
    quotes = _twins(Quote, alpha, beta, lambda t, i: _quote(t, clients[i]))
    bookings = _twins(Booking, alpha, beta, lambda t, i: _booking(t, clients[i], products[i]))
    charges = _twins(Charge, alpha, beta, lambda t, i: _charge(t, clients[i]))
    api_keys = _twins(ApiKey, alpha, beta, lambda t, _: _api_key(t))
    credit_notes = _twins(CreditNote, alpha, beta, lambda t, i: _credit_note(t, clients[i]))
    accounts = []
    for index, tenant in enumerate((alpha, beta)):
        owner = owner_of(tenant)
        with schema_context(tenant.schema_name):
            welcome_token = members.create_login_handoff(owner)
            reset_token = account_password_reset_token.make_token(owner)
            portal_token = portal_links.new_link(
                clients[index],
                f"/portal/invoices/{requests[index].pk}/",
                valid_for=timedelta(days=30),
            )
        accounts.append(
            Account(
                tenant=tenant,
                twin=Objects(
                    clients[index],
                    requests[index],
                    drafts[index],
                    attachments[index],
                    users[index],
                    invitations[index][0],
                    connections[index],
                    outbox[index],
                    products[index],
                    quotes[index],
                    bookings[index],
                    charges[index],
                    api_keys[index],
                    credit_notes[index],
                ),
                alpha_only=None,
                pay_token=_send(tenant, requests[index], captured, mailoutbox),
                quote_token=_send_quote(tenant, quotes[index], captured, mailoutbox),
                invitation_token=invitations[index][1],
                welcome_token=welcome_token,
                reset_uid=urlsafe_base64_encode(force_bytes(owner.pk)),
                reset_token=reset_token,
                portal_token=portal_token,
            )
        )
    accounts[0].alpha_only = _alpha_only(alpha, beta, captured, mailoutbox)
    add_recurring_twins(*accounts)
    add_subscription_twins(*accounts)
    for account in accounts:
        account.markers = MARKERS[account.tenant.slug] + _platform_ids(account.tenant)
    with schema_context(alpha.schema_name):  # beta has none: its logo URL must stay empty
        branding = BillingSettings.current()
        branding.logo = ContentFile(b"\x89PNG\r\n\x1a\nALPHAONLY", name="logo.png")
        branding.save()
    mailoutbox.clear()
    return accounts[0], accounts[1]


def _platform_ids(tenant) -> tuple[str, ...]:
    """The account's ids on its platform (account, customers, invoices): its data too."""
    with schema_context(tenant.schema_name):
        return (
            *Connection.objects.values_list("remote_account_id", flat=True),
            *PlatformCustomer.objects.values_list("remote_id", flat=True),
            *RemoteObject.objects.values_list("remote_id", flat=True),
        )


def _alpha_only(alpha, beta, captured, mailoutbox) -> Objects:
    def made(model, make):
        skip_ahead(model, alpha, [beta])
        item = make()
        with schema_context(beta.schema_name):
            assert not model.objects.filter(pk=item.pk).exists()
        return item

    client = made(Client, lambda: _client(alpha, "2"))
    request = made(PaymentRequest, lambda: _request(alpha, client, AMOUNTS["alpha"][0], "2"))
    attachment = made(Attachment, lambda: _attachment(alpha, request, "2"))
    _send(alpha, request, captured, mailoutbox)
    product = made(Product, lambda: _product(alpha, "2"))
    return Objects(
        client=client,
        request=request,
        draft=made(PaymentRequest, lambda: _request(alpha, client, AMOUNTS["alpha"][1], "2")),
        attachment=attachment,
        member=made(User, lambda: _member(alpha, "2")),
        invitation=made(Invitation, lambda: _invitation(alpha, "2")[0]),
        connection=made(Connection, lambda: _alpha_only_connection(alpha)),
        outbox_message=made(OutboxMessage, lambda: _outbox_message(alpha, "2")),
        product=product,
        quote=made(Quote, lambda: _quote(alpha, client, "2")),
        booking=made(Booking, lambda: _booking(alpha, client, product)),
        charge=made(Charge, lambda: _charge(alpha, client, "2")),
        api_key=made(ApiKey, lambda: _api_key(alpha, "2")),
        credit_note=made(CreditNote, lambda: _credit_note(alpha, client, "2")),
    )


def snapshot(tenant: Tenant) -> dict[str, list[str]]:
    """Every row of the account's schema, and its rows in the public schema, as text; and a
    digest of every file in its media folder."""
    quote = connection.ops.quote_name
    rows = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            [tenant.schema_name],
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f"SELECT t::text FROM {quote(tenant.schema_name)}.{quote(table)} t")  # noqa: S608
            rows[table] = sorted(row[0] for row in cursor.fetchall())
        for model, column in (
            (Tenant, "id"),
            (Domain, "tenant_id"),
            (AccountRoute, "tenant_id"),
            (OAuthState, "tenant_id"),
        ):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT t::text FROM public.{quote(table)} t WHERE {quote(column)} = %s",  # noqa: S608
                [tenant.pk],
            )
            rows[f"public.{table}"] = sorted(row[0] for row in cursor.fetchall())
    folder = Path(settings.MEDIA_ROOT) / "tenants" / tenant.schema_name
    rows["files"] = sorted(
        f"{path.relative_to(folder)} {hashlib.sha256(path.read_bytes()).hexdigest()}"
        for path in folder.rglob("*")
        if path.is_file()
    )
    return rows


def response_text(response) -> str:
    """Headers and body of a response, streamed ones included, as text."""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)  # the test client closes it at the end
    else:
        body = response.content
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    if response.get("Content-Type") == "application/pdf":  # its text is compressed: read it
        body = pdf_text(body).encode()
    return headers + "\n" + body.decode("utf-8", "replace")


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    except (PyPdfError, ValueError):  # a file that only calls itself PDF (an upload): its bytes
        return data.decode("utf-8", "replace")


def emails_text(mailoutbox) -> str:
    return "\n".join(
        "\n".join([mail.subject, mail.body, *mail.to, *(part for part, _ in mail.alternatives)])
        for mail in mailoutbox
    )


def _recurring(tenant, client, extra="") -> RecurringInvoice:
    from payment_requests.services.lines import LineDraft
    from recurring.services import account_today, create_recurring

    with schema_context(tenant.schema_name):
        return create_recurring(
            actor=owner_of(tenant),
            client=client,
            description=f"{_label(tenant, extra).title()} hosting",
            currency="EUR",
            start_on=account_today() + timedelta(days=1),
            lines=[LineDraft("Hosting", Decimal(1), Decimal(AMOUNTS[tenant.slug][0]))],
        )


def add_recurring_twins(alpha: Account, beta: Account) -> None:
    """A recurring invoice of each twin client under one id, and one of alpha's other client
    under an id beta never hands out."""
    twins = _twins(
        RecurringInvoice,
        alpha.tenant,
        beta.tenant,
        lambda t, i: _recurring(t, (alpha, beta)[i].twin.client),
    )
    alpha.twin.recurring, beta.twin.recurring = twins
    skip_ahead(RecurringInvoice, alpha.tenant, [beta.tenant])
    alpha.alpha_only.recurring = _recurring(alpha.tenant, alpha.alpha_only.client, "2")


def _plan(tenant, extra="") -> Plan:
    with schema_context(tenant.schema_name):
        return Plan.objects.create(
            name=f"{_label(tenant, extra).title()} plan",
            price=Decimal(AMOUNTS[tenant.slug][1]),
            currency="EUR",
            group=_label(tenant),
        )


def _subscription(tenant, objects: Objects, extra="") -> Subscription:
    with schema_context(tenant.schema_name):
        return Subscription.objects.create(
            client=objects.client,
            connection=objects.connection,
            remote_id=f"sub_{_label(tenant, extra)}",
            plan=objects.plan,
            status=Subscription.Status.ACTIVE,
            current_period_end=timezone.now() + timedelta(days=30),
        )


def add_subscription_twins(alpha: Account, beta: Account) -> None:
    """A plan of each account and a subscription of each twin client to it, under one id each;
    and alpha's other client's, under ids beta never hands out."""
    accounts = (alpha, beta)
    plans = _twins(Plan, alpha.tenant, beta.tenant, lambda t, i: _plan(t))
    alpha.twin.plan, beta.twin.plan = plans
    subscriptions = _twins(
        Subscription, alpha.tenant, beta.tenant,
        lambda t, i: _subscription(t, accounts[i].twin),
    )  # fmt: skip
    alpha.twin.subscription, beta.twin.subscription = subscriptions
    skip_ahead(Plan, alpha.tenant, [beta.tenant])
    skip_ahead(Subscription, alpha.tenant, [beta.tenant])
    alpha.alpha_only.plan = _plan(alpha.tenant, "2")
    alpha.alpha_only.subscription = _subscription(alpha.tenant, alpha.alpha_only, "2")
