"""Every page of an account's host, asked on beta for alpha's ids and tokens.

The URL patterns are read from the tenant URLconf itself, so a new view is probed without
anyone adding it here. Its ``int`` parameters are filled with the id of an alpha object of the
kind the parameter names (PARAMETERS), or else with every id alpha has; any other parameter
must be given a value in PARAMETERS (or the view a reason in NOT_PROBED), or the test fails.
Each URL is asked with ids that exist in both accounts (beta must answer with beta's row) and
with ids only alpha has (beta must find nothing): by GET (also with ids in the query string)
and POST as beta's owner, by GET and POST as a visitor, and as beta's client signed into
beta's client portal. Beta's answers never carry alpha's data and never fail with a 5xx; no
row or file of alpha changes, and no email goes out with alpha's data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import PASSWORD, client_on, owner_of
from billing_saas.testing.twins import (
    BETA_MARKER,
    build_twins,
    emails_text,
    response_text,
    snapshot,
)

TENANT_URLCONF = "billing_saas.urls_tenant"

# What fills a path parameter, by URL name (or by namespace for all its URLs): the id of an
# object of that kind, a token of the account probed with, or a plain value.
PARAMETERS = {
    "payment_requests": {
        "pk": lambda a, objects: objects.request.pk,
        "attachment_pk": lambda a, objects: objects.attachment.pk,
        "token": lambda a, objects: a.pay_token,
    },
    "clients:edit": {"pk": lambda a, objects: objects.client.pk},
    "products": {"pk": lambda a, objects: objects.product.pk},
    "quotes": {
        "pk": lambda a, objects: objects.quote.pk,
        "token": lambda a, objects: a.quote_token,
    },
    "members": {"pk": lambda a, objects: objects.member.pk},
    "members:revoke_invitation": {"pk": lambda a, objects: objects.invitation.pk},
    "members:welcome": {"token": lambda a, objects: a.welcome_token},
    "members:accept_invitation": {"token": lambda a, objects: a.invitation_token},
    "members:password_reset_confirm": {
        "uidb64": lambda a, objects: a.reset_uid,
        "token": lambda a, objects: a.reset_token,
    },
    "connectors": {
        "pk": lambda a, objects: objects.connection.pk,
        "platform": lambda a, objects: "stripe",
    },
    "solutions": {"slug": lambda a, objects: "client-billing"},
    "outbox": {
        "pk": lambda a, objects: objects.outbox_message.pk,
        "index": lambda a, objects: 0,
    },
    "charges": {"pk": lambda a, objects: objects.charge.pk},
    "charges:client_payments": {"pk": lambda a, objects: objects.client.pk},
    "charges:revoke_api_key": {"pk": lambda a, objects: objects.api_key.pk},
    "client_portal": {
        "pk": lambda a, objects: objects.request.pk,
        "token": lambda a, objects: a.portal_token,
    },
    "client_portal:quote": {"pk": lambda a, objects: objects.quote.pk},
    "client_portal:quote_approve": {"pk": lambda a, objects: objects.quote.pk},
    "client_portal:quote_decline": {"pk": lambda a, objects: objects.quote.pk},
    "credits": {"pk": lambda a, objects: objects.credit_note.pk},
    "recurring": {"pk": lambda a, objects: objects.recurring.pk},
    "subscriptions": {"pk": lambda a, objects: objects.plan.pk},
    "subscriptions:portal_cancel": {"pk": lambda a, objects: objects.subscription.pk},
    "subscriptions:portal_plan": {"pk": lambda a, objects: objects.subscription.pk},
}
# Views that are not probed, each with the reason; keep it short.
NOT_PROBED: dict[str, str] = {}
# Statuses of 500 and more that a view answers by design, with the reason.
EXPECTED_ERRORS = {"healthz": ({503}, "no Celery worker answers the health check in tests")}
# With an id both accounts have, these pages show the object: beta's, never alpha's.
SHOWS_THE_OBJECT = {
    "payment_requests:detail",
    "payment_requests:edit",
    "payment_requests:attachment",
    "payment_requests:pdf",
    "clients:edit",
    "products:edit",
    "quotes:detail",
    "quotes:pdf",
    "outbox:message",
    "outbox:html",
    "outbox:attachment",
    "charges:client_payments",
    "recurring:detail",
    "recurring:edit",
    "subscriptions:plan_link",
}
# Asked by beta's client signed into beta's portal, these show beta's request of the same id.
PORTAL_SHOWS_THE_OBJECT = {
    "client_portal:invoice",
    "client_portal:invoice_pdf",
    "client_portal:quote",
    "recurring:portal_detail",
}
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    name: str  # "payment_requests:detail"; the route itself when the pattern has no name
    route: str  # "billing/requests/<int:pk>/"
    buildable: bool  # only path() routes are filled in; a regex would need a value by hand


def tenant_routes() -> list[Route]:
    def walk(patterns, prefix, namespace, buildable):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            is_route = buildable and isinstance(entry.pattern, RoutePattern)
            if isinstance(entry, URLResolver):
                inner = ":".join(filter(None, [namespace, entry.namespace]))
                yield from walk(entry.url_patterns, route, inner, is_route)
            else:
                name = ":".join(filter(None, [namespace, entry.name])) if entry.name else route
                yield Route(name, route, is_route)

    return list(walk(get_resolver(TENANT_URLCONF).url_patterns, "", "", True))


ROUTES = tenant_routes()


def _filler(route: Route, parameter: str):
    namespace = route.name.split(":")[0] if ":" in route.name else ""
    for key in (route.name, namespace):
        if parameter in PARAMETERS.get(key, {}):
            return PARAMETERS[key][parameter]
    return None


def every_id(objects) -> list[int]:
    return sorted({item.pk for item in vars(objects).values()})


def urls_for(route: Route, alpha) -> list[tuple[str, str]]:
    """(which ids, URL) pairs for ``route``, filled with alpha's values."""
    if not route.buildable:
        pytest.fail(
            f"{route.name}: not a path() route; give it a URL by hand or a reason in NOT_PROBED"
        )
    urls = []
    for variant, objects in (("ids in both", alpha.twin), ("alpha-only ids", alpha.alpha_only)):
        candidates = [route.route]
        for match in PARAMETER.finditer(route.route):
            filler = _filler(route, match["name"])
            if filler is not None:
                values = [filler(alpha, objects)]
            elif match["converter"] == "int":
                values = every_id(objects)
            else:
                pytest.fail(
                    f"{route.name}: no value for the {match['converter'] or 'str'} parameter "
                    f"<{match['name']}>; add one to PARAMETERS (or a reason to NOT_PROBED)"
                )
            candidates = [
                url.replace(match[0], str(value), 1) for url in candidates for value in values
            ]
        urls += [(variant, "/" + url) for url in candidates if (variant, "/" + url) not in urls]
    return urls


def query(objects) -> str:
    """Ids that pages read from the query string (the side panel, filters, copies)."""
    return (
        f"?open={objects.request.pk}&client={objects.client.pk}&copy={objects.request.pk}"
        f"&connection={objects.connection.pk}"
    )


def post_body(alpha, objects) -> dict:
    """Fields views read, all naming alpha's objects or alpha's owner."""
    return {
        "user": objects.member.pk,
        "client": objects.client.pk,
        "connection": objects.connection.pk,
        "role": "employee",
        "grant": "yes",
        "confirm_open": "yes",
        "platform": "stripe",
        "username": alpha.tenant.owner_email,
        "password": PASSWORD,
    }


@pytest.fixture
def twins(alpha, beta, stripe_platform, settings, tmp_path, django_capture_on_commit_callbacks,
          mailoutbox, monkeypatch):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    # No worker answers /healthz here: do not wait a second for it at every request.
    monkeypatch.setattr("billing_saas.health.WORKER_PING_TIMEOUT", 0.05, raising=False)
    return build_twins(alpha, beta, stripe_platform, django_capture_on_commit_callbacks, mailoutbox)


def check(route: Route, what: str, response, variant: str, alpha) -> None:
    allowed, _reason = EXPECTED_ERRORS.get(route.name, (set(), ""))
    assert response.status_code < 500 or response.status_code in allowed, (
        f"{what} answered {response.status_code}"
    )
    text = response_text(response)
    assert not alpha.found_in(text), f"{what} shows alpha's data: {alpha.found_in(text)}"
    shows = SHOWS_THE_OBJECT
    if what.startswith("portal client's"):
        shows, what = PORTAL_SHOWS_THE_OBJECT, what.removeprefix("portal client's ")
    if route.name in shows and variant == "ids in both" and what.startswith("GET"):
        assert response.status_code == 200 and BETA_MARKER in text.lower(), (
            f"{what} should show beta's object with the same id ({response.status_code})"
        )


def portal_client_of(account) -> Client:
    """A browser signed into the account's portal as its twin client."""
    from client_portal import sessions

    with schema_context(account.tenant.schema_name):
        _session, key = sessions.open_session(account.twin.client)
    browser = client_on(account.tenant)
    browser.cookies[sessions.COOKIE_NAME] = key
    return browser


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_beta_never_sees_nor_changes_alphas_data_through(route, twins, mailoutbox):
    if route.name in NOT_PROBED:
        pytest.skip(NOT_PROBED[route.name])
    alpha, beta = twins
    urls = urls_for(route, alpha)
    before = snapshot(alpha.tenant)
    owner = client_on(beta.tenant, owner_of(beta.tenant))
    visitor = client_on(beta.tenant)
    portal = portal_client_of(beta)

    for variant, url in urls:
        objects = alpha.twin if variant == "ids in both" else alpha.alpha_only
        body = post_body(alpha, objects)
        check(route, f"GET {url} ({variant})", owner.get(url), variant, alpha)
        with_ids = url + query(objects)
        check(route, f"GET {with_ids} ({variant})", owner.get(with_ids), variant, alpha)
        check(route, f"POST {url} ({variant})", owner.post(url, body), variant, alpha)
        check(route, f"visitor's GET {url} ({variant})", visitor.get(url), variant, alpha)
        check(route, f"visitor's POST {url} ({variant})", visitor.post(url, body), variant, alpha)
        for what, response in (
            (f"portal client's GET {url} ({variant})", portal.get(url)),
            (f"portal client's GET {with_ids} ({variant})", portal.get(with_ids)),
            (f"portal client's POST {url} ({variant})", portal.post(url, body)),
        ):
            check(route, what, response, variant, alpha)

    assert snapshot(alpha.tenant) == before, "a request on beta changed alpha's rows or files"
    assert not alpha.found_in(emails_text(mailoutbox)), "an email went out with alpha's data"


def test_the_probe_covers_every_view_of_the_tenant_urlconf():
    """A view added anywhere in the tenant URLconf shows up here, named by its URL name."""
    names = {route.name for route in ROUTES}
    for expected in (
        "dashboard",
        "payment_requests:detail",
        "payment_requests:public_attachment",
        "members:password_reset_confirm",
        "connectors:disconnect",
        "solutions:uninstall",
        "set_language",
        "favicon.ico",
    ):
        assert expected in names
    assert len(names) == len(ROUTES), "two views share a URL name: the probe ids would clash"
