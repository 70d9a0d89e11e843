"""No card data ever reaches the app: the portal's Pay leaves for the platform's own hosted
page, and no page of ours asks for a card (no card field in any template, nor in any page a
signed-in client is shown)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.template.utils import get_app_template_dirs
from django_tenants.utils import schema_context

from client_portal.tests.conftest import browser, make_client, signed_in
from payment_requests.tests.conftest import make_request, send
from quotes.models import Quote
from quotes.tests.conftest import quebec_quote

# A field that would carry a card: its name, its autofill hint, or a payment library's mount.
CARD_FIELD = re.compile(
    r"""name=["'][^"']*(card|cc[-_]?num|cvc|cvv|expir)"""
    r"""|autocomplete=["']cc-|data-stripe|js\.stripe\.com|card-element""",
    re.IGNORECASE,
)


def test_pay_leaves_for_the_platforms_hosted_page(
    alpha, alpha_billing, stripe_platform, mailoutbox, django_capture_on_commit_callbacks
):
    ana = make_client(alpha)
    item = send(alpha, make_request(alpha, client=ana).pk, django_capture_on_commit_callbacks)
    remote = stripe_platform.state.accounts[alpha_billing.remote_account_id].objects[
        item.remote.remote_id
    ]

    response = signed_in(alpha, ana).get(f"/portal/invoices/{item.pk}/pay/")

    assert response.status_code == 302
    assert response["Location"] == remote["hosted_invoice_url"]
    assert urlsplit(response["Location"]).netloc == urlsplit(stripe_platform.url).netloc
    assert urlsplit(response["Location"]).netloc != alpha.host


def our_templates() -> list[Path]:
    """Every template of the project (its apps' and the shared folder), none of a library's."""
    base = Path(settings.BASE_DIR)
    folders = [Path(folder) for folder in settings.TEMPLATES[0]["DIRS"]]
    folders += [Path(folder) for folder in get_app_template_dirs("templates")]
    ours = [
        folder for folder in folders if folder.is_relative_to(base) and ".venv" not in folder.parts
    ]
    return [path for folder in ours for path in folder.rglob("*.html")]


def test_no_template_has_a_card_field():
    templates = our_templates()
    found = [
        f"{path}: {match[0]}"
        for path in templates
        for match in CARD_FIELD.finditer(path.read_text())
    ]
    assert len(templates) > 50 and found == []


def test_no_portal_page_a_client_sees_has_a_card_field(
    alpha, alpha_billing, mailoutbox, django_capture_on_commit_callbacks
):
    ana = make_client(alpha, mobile="+33612345678")
    item = send(alpha, make_request(alpha, client=ana).pk, django_capture_on_commit_callbacks)
    quote = quebec_quote(alpha, client=ana)
    with schema_context(alpha.schema_name):
        Quote.objects.filter(pk=quote.pk).update(status=Quote.Status.SENT)
    page = signed_in(alpha, ana)
    urls = [
        "/portal/invoices/",
        f"/portal/invoices/{item.pk}/",
        "/portal/quotes/",
        f"/portal/quotes/{quote.pk}/",
        "/portal/payments/",
        "/portal/profile/",
        "/portal/statements/",
    ]

    for url in urls:
        response = page.get(url)
        assert response.status_code == 200, url
        assert not CARD_FIELD.search(response.content.decode()), url
    assert not CARD_FIELD.search(browser(alpha).get("/portal/sign-in/").content.decode())
