"""Tokens in links are stored as their documented hash, and no column holds one in clear.

README: invitation, sign-in (welcome) and pay links and OAuth states carry a 256-bit random
token of which only the SHA-256 hex digest of its UTF-8 bytes is stored. Each test takes the
token where its user gets it (the email, the redirect, the platform's authorize URL) and
computes that digest itself. Password-reset links use Django's signed tokens, which are not
stored (Django keeps one in the session only once the link is opened, while its form is).
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import PASSWORD, client_on, install_client_billing, owner_of
from billing_saas.testing.stripe import connect_stripe
from clients.models import Client
from connectors.models import Connection
from connectors.routing.models import OAuthState
from payment_requests import services
from payment_requests.models import RequestLink
from tenants.members.models import Invitation, LoginHandoff
from tenants.models import Tenant


def documented_hash(token: str) -> str:
    """What the README promises is stored instead of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_in(url: str, pattern: str) -> str:
    match = re.search(pattern, url)
    assert match, url
    return match[1]


# How each user gets a token.
def invitation_token(alpha, mailoutbox) -> str:
    response = client_on(alpha, owner_of(alpha)).post(
        "/accounts/employees/", {"email": "new@invited.test", "role": "employee"}
    )
    assert response.status_code == 302
    return token_in(mailoutbox[-1].body, r"/accounts/invitations/([\w-]+)/")


def welcome_token(root_client) -> tuple[Tenant, str]:
    slug = f"tokens-{uuid.uuid4().hex[:8]}"
    response = root_client.post(
        "/signup/",
        {
            "company_name": "Token Works",
            "subdomain": slug,
            "owner_name": "Tess Token",
            "email": f"tess@{slug}.example",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    return Tenant.objects.get(slug=slug), token_in(response["Location"], r"/welcome/([\w-]+)/$")


def pay_link_token(alpha, emulator, mailoutbox, captured) -> str:
    emulator.sender.paused = True
    install_client_billing(alpha)
    connect_stripe(emulator, alpha, business_name="Alpha Studio")
    with schema_context(alpha.schema_name):
        request = services.create_request(
            actor=owner_of(alpha),
            description="Audit",
            client=Client.objects.create(name="Payer", email="payer@client.test"),
            amount=Decimal("120.00"),
            currency="EUR",
            due_date=timezone.localdate() + timedelta(days=14),
        )
    with captured(execute=True), schema_context(alpha.schema_name):
        services.send_request(request.pk, actor=owner_of(alpha))
    [mail] = [mail for mail in mailoutbox if mail.to == ["payer@client.test"]]
    return token_in(mail.body, r"/pay/([\w-]+)/")


def oauth_state(alpha, platform: str) -> tuple[str, object]:
    owner = client_on(alpha, owner_of(alpha))
    response = owner.post(f"/settings/payments/{platform}/connect/", {"test_mode": "on"})
    assert response.status_code == 302
    [state] = parse_qs(urlsplit(response["Location"]).query)["state"]
    return state, owner


def reset_token(alpha, mailoutbox) -> str:
    response = client_on(alpha).post("/accounts/password-reset/", {"email": alpha.owner_email})
    assert response.status_code == 302
    return token_in(mailoutbox[-1].body, r"/accounts/password-reset/\w+/([\w-]+)/")


def test_an_invitation_stores_exactly_the_sha256_of_its_emailed_token(alpha, mailoutbox):
    token = invitation_token(alpha, mailoutbox)

    with schema_context(alpha.schema_name):
        assert Invitation.objects.get(email="new@invited.test").token_hash == documented_hash(token)


def test_a_sign_in_link_stores_exactly_the_sha256_of_its_token(root_client):
    tenant, token = welcome_token(root_client)

    with schema_context(tenant.schema_name):
        assert LoginHandoff.objects.get().token_hash == documented_hash(token)


def test_a_pay_link_stores_exactly_the_sha256_of_its_emailed_token(
    alpha, stripe_platform, mailoutbox, django_capture_on_commit_callbacks
):
    token = pay_link_token(alpha, stripe_platform, mailoutbox, django_capture_on_commit_callbacks)

    with schema_context(alpha.schema_name):
        assert RequestLink.objects.get().token_hash == documented_hash(token)


@pytest.mark.parametrize("platform", ["stripe", "quickbooks"])
def test_an_oauth_state_stores_exactly_the_sha256_of_the_state_sent_to_the_platform(
    alpha, stripe_platform, quickbooks_platform, platform
):
    state, _browser = oauth_state(alpha, platform)

    assert OAuthState.objects.get(tenant=alpha, platform=platform).state_hash == documented_hash(
        state
    )


def every_stored_text() -> dict[str, list[str]]:
    """Every row of every table of every schema, as text, by ``schema.table``; sessions decoded."""
    quote = connection.ops.quote_name
    found = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_type = 'BASE TABLE'"
            " AND table_schema NOT IN ('pg_catalog', 'information_schema')"
        )
        for schema, table in cursor.fetchall():
            cursor.execute(f"SELECT t::text FROM {quote(schema)}.{quote(table)} t")  # noqa: S608
            found[f"{schema}.{table}"] = [row[0] for row in cursor.fetchall()]
            if table == "django_session":
                cursor.execute(f"SELECT session_data FROM {quote(schema)}.django_session")  # noqa: S608
                found[f"{schema}.django_session (decoded)"] = [
                    json.dumps(SessionStore().decode(data)) for (data,) in cursor.fetchall()
                ]
    return found


def test_no_column_of_any_schema_holds_a_raw_token(
    alpha, root_client, stripe_platform, quickbooks_platform, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    tenant, welcome = welcome_token(root_client)
    state, _browser = oauth_state(alpha, "stripe")  # the session keeps what it keeps
    qb_state, _browser = oauth_state(alpha, "quickbooks")
    ours = {
        "invitation": invitation_token(alpha, mailoutbox),
        "sign-in link": welcome,
        "pay link": pay_link_token(
            alpha, stripe_platform, mailoutbox, django_capture_on_commit_callbacks
        ),
        "Stripe OAuth state": state,
        "QuickBooks OAuth state": qb_state,
    }
    tokens = {**ours, "password reset": reset_token(alpha, mailoutbox)}
    with schema_context(alpha.schema_name):  # the platform's own tokens are stored encrypted
        [stripe] = Connection.objects.all()
        tokens.update(
            {
                f"Stripe {name}": value
                for name, value in stripe.secrets.items()
                if isinstance(value, str) and len(value) >= 20
            }
        )

    stored = every_stored_text()

    # The scan reads where the tokens went: their hashes, in every table that holds one.
    assert {
        kind
        for kind, token in ours.items()
        if any(documented_hash(token) in row for rows in stored.values() for row in rows)
    } == set(ours)
    assert f"{alpha.schema_name}.django_session (decoded)" in stored
    leaks = [
        f"{kind} in {table}"
        for kind, token in tokens.items()
        for table, rows in stored.items()
        if any(token in row or token.encode().hex() in row for row in rows)
    ]
    assert leaks == []
