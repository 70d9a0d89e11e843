"""Beta's people never reach alpha's requests, clients, files or pay links, whatever the id.

Alpha and beta hold twins (the same id in both accounts) and alpha holds objects under ids
beta never handed out (see billing_saas/testing/twins.py). Every page of the tenant URLconf is
also probed by billing_saas/tests/test_cross_account_probe.py; these tests spell out what each
billing page must answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.forms.models import model_to_dict
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, owner_of
from billing_saas.testing.twins import BETA_MARKER, build_twins, snapshot
from billing_saas.testing.twins import response_text as page
from payment_requests.models import PaymentRequest, RequestLink

PANEL = 'id="panel"'


@pytest.fixture
def twins(alpha, beta, stripe_platform, settings, tmp_path, django_capture_on_commit_callbacks,
          mailoutbox):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    return build_twins(alpha, beta, stripe_platform, django_capture_on_commit_callbacks, mailoutbox)


@pytest.fixture
def on_beta(twins):
    """Beta's owner, signed in on beta."""
    return client_on(twins[1].tenant, owner_of(twins[1].tenant))


def row(tenant, model, pk) -> dict:
    with schema_context(tenant.schema_name):
        return model_to_dict(model.objects.get(pk=pk))


def test_alphas_request_ids_are_not_found_on_beta_and_change_nothing(
    twins, on_beta, mailoutbox, django_capture_on_commit_callbacks
):
    alpha, _beta = twins
    sent, draft = alpha.alpha_only.request, alpha.alpha_only.draft
    before = snapshot(alpha.tenant)
    edit = {"description": "Taken over", "amount": "1", "currency": "EUR", "action": "send"}
    asks = [
        ("get", f"/billing/requests/{sent.pk}/", {}),
        ("get", f"/billing/requests/{draft.pk}/edit/", {}),
        ("post", f"/billing/requests/{draft.pk}/edit/", edit),
        ("post", f"/billing/requests/{draft.pk}/send/", {}),
        ("post", f"/billing/requests/{sent.pk}/remind/", {}),
        ("post", f"/billing/requests/{sent.pk}/cancel/", {}),
        ("post", f"/billing/requests/{sent.pk}/delete/", {"confirm_open": "yes"}),
        ("post", f"/billing/requests/{draft.pk}/delete/", {}),
        ("get", f"/billing/requests/{sent.pk}/files/{alpha.alpha_only.attachment.pk}/", {}),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        answers = {url: getattr(on_beta, method)(url, data) for method, url, data in asks}

    assert {url: answer.status_code for url, answer in answers.items()} == {
        url: 404 for _method, url, _data in asks
    }
    assert not any(alpha.found_in(page(answer)) for answer in answers.values())
    assert snapshot(alpha.tenant) == before
    assert mailoutbox == []


def test_with_an_id_both_accounts_have_beta_sees_its_own_request(twins, on_beta):
    alpha, beta = twins
    pk = beta.twin.request.pk
    assert pk == alpha.twin.request.pk

    for url in (
        f"/billing/requests/{pk}/",
        f"/billing/requests/{pk}/edit/",
        f"/billing/?open={pk}",
    ):
        text = page(on_beta.get(url))
        assert BETA_MARKER in text.lower() and not alpha.found_in(text), url
    refresh = page(on_beta.get(f"/billing/?open={pk}", HTTP_HX_REQUEST="true"))
    assert PANEL in refresh and "Betaonly retainer" in refresh and not alpha.found_in(refresh)


def test_the_side_panel_and_its_refresh_open_nothing_for_alphas_id(twins, on_beta):
    alpha, _beta = twins
    url = f"/billing/?open={alpha.alpha_only.request.pk}"

    for response in (on_beta.get(url), on_beta.get(url, HTTP_HX_REQUEST="true")):
        assert response.status_code == 200
        text = page(response)
        assert PANEL not in text and not alpha.found_in(text)
        assert "Betaonly retainer" in text  # beta's own list is still there


def test_alphas_client_ids_are_not_found_on_beta_and_change_nothing(twins, on_beta):
    alpha, _beta = twins
    client = alpha.alpha_only.client
    before = row(alpha.tenant, type(client), client.pk)
    changed = {"name": "Taken Over", "email": "taken@over.test", "preferred_currency": "EUR"}

    assert on_beta.get(f"/billing/clients/{client.pk}/").status_code == 404
    assert on_beta.post(f"/billing/clients/{client.pk}/", changed).status_code == 404
    for url in (
        f"/billing/?client={client.pk}",
        f"/billing/requests/new/?client={client.pk}&copy={alpha.alpha_only.request.pk}",
        "/billing/clients/?q=Ana",  # both accounts' clients are called Ana
    ):
        response = on_beta.get(url)
        assert response.status_code == 200 and not alpha.found_in(page(response)), url
    assert row(alpha.tenant, type(client), client.pk) == before


def test_a_new_request_on_beta_cannot_name_alphas_client(twins, on_beta):
    alpha, beta = twins
    client = alpha.alpha_only.client
    with schema_context(beta.tenant.schema_name):
        count = PaymentRequest.objects.count()

    response = on_beta.post(
        "/billing/requests/new/",
        {
            "kind": "invoice",
            "description": "For alpha's client",
            "client": client.pk,
            "amount": "10",
            "currency": "EUR",
            "billing_type": "invoice",
            "due_date": "2031-01-31",
            "action": "save",
        },
    )

    assert response.status_code == 200 and not alpha.found_in(page(response))
    with schema_context(beta.tenant.schema_name):
        assert PaymentRequest.objects.count() == count
    with schema_context(alpha.tenant.schema_name):
        assert not PaymentRequest.objects.filter(description="For alpha's client").exists()


def test_each_accounts_files_live_in_its_own_folder(twins, settings):
    alpha, beta = twins
    for account, attachment in (
        (alpha, alpha.twin.attachment),
        (alpha, alpha.alpha_only.attachment),
        (beta, beta.twin.attachment),
    ):
        path = Path(attachment.file.path)
        assert path.parent == Path(
            settings.MEDIA_ROOT, "tenants", account.tenant.schema_name, "attachments"
        )
        assert path.is_file()


def test_alphas_files_are_not_served_on_beta_whatever_the_ids(twins, on_beta):
    alpha, beta = twins
    twin_request, twin_file = beta.twin.request.pk, beta.twin.attachment.pk
    alpha_request, alpha_file = alpha.alpha_only.request.pk, alpha.alpha_only.attachment.pk

    for url in (
        f"/billing/requests/{alpha_request}/files/{alpha_file}/",
        f"/billing/requests/{twin_request}/files/{alpha_file}/",
        f"/billing/requests/{alpha_request}/files/{twin_file}/",
        f"/pay/{alpha.pay_token}/files/{twin_file}/",
        f"/pay/{alpha.pay_token}/files/{alpha_file}/",
    ):
        assert on_beta.get(url).status_code == 404, url
    own = on_beta.get(f"/billing/requests/{twin_request}/files/{twin_file}/")
    assert own.status_code == 200
    assert b"".join(own.streaming_content).endswith(b"BETAONLY")


def test_alphas_pay_link_on_betas_host_is_not_found_and_counts_no_view(twins):
    alpha, beta = twins
    visitor = client_on(beta.tenant)

    for path in ("", "go/", f"files/{alpha.twin.attachment.pk}/"):
        response = visitor.get(f"/pay/{alpha.pay_token}/{path}")
        assert response.status_code == 404 and not alpha.found_in(page(response)), path

    with schema_context(alpha.tenant.schema_name):
        link = RequestLink.objects.get(request=alpha.twin.request)
        assert (link.views, link.first_viewed_at) == (0, None)
        assert PaymentRequest.objects.get(pk=alpha.twin.request.pk).first_viewed_at is None
    # On its own host the same link is counted: the zero above is not a broken counter.
    assert client_on(alpha.tenant).get(f"/pay/{alpha.pay_token}/").status_code == 200
    with schema_context(alpha.tenant.schema_name):
        assert RequestLink.objects.get(pk=link.pk).views == 1


def test_alphas_session_cookie_on_beta_reaches_no_billing_page_and_acts_on_nothing(
    twins, mailoutbox, django_capture_on_commit_callbacks
):
    alpha, beta = twins
    on_alpha = client_on(alpha.tenant, owner_of(alpha.tenant))
    assert on_alpha.get("/billing/").status_code == 200
    stolen = client_on(beta.tenant)
    stolen.cookies["sessionid"] = on_alpha.cookies["sessionid"].value
    pk = beta.twin.request.pk  # beta has a request under this id, and so has alpha
    before = row(beta.tenant, PaymentRequest, pk), row(alpha.tenant, PaymentRequest, pk)

    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            stolen.get("/billing/"),
            stolen.get(f"/billing/requests/{pk}/"),
            stolen.post(f"/billing/requests/{pk}/cancel/"),
            stolen.post(f"/billing/requests/{pk}/remind/"),
        ]

    for answer in answers:
        assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
    assert (row(beta.tenant, PaymentRequest, pk), row(alpha.tenant, PaymentRequest, pk)) == before
    assert mailoutbox == []
