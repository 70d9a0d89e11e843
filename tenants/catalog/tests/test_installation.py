"""Installing Client Billing from the catalog: who may, what happens, and what stays."""

from __future__ import annotations

import uuid

import pytest
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, make_member, owner_of
from billing_saas.testing.stripe import connect_stripe
from billing_saas.testing.threads import all_at_once
from connectors.stripe.emulator.app import Fault
from tenants.catalog import services
from tenants.catalog.models import Installation
from tenants.catalog.tasks import run_installation
from tenants.members.models import Role

WIZARD = "/catalog/client-billing/install/"


@pytest.fixture
def owner(stripe_platform, alpha):
    return client_on(alpha, owner_of(alpha))


def installation(tenant):
    with schema_context(tenant.schema_name):
        return Installation.objects.filter(solution="client-billing").first()


def test_an_employee_sees_the_tile_but_cannot_install(stripe_platform, alpha):
    employee = client_on(alpha, make_member(alpha, "eli@alpha.example", Role.EMPLOYEE))
    assert "Client Billing" in employee.get("/catalog/").content.decode()
    detail = employee.get("/catalog/client-billing/").content.decode()
    assert "Only billing administrators" in detail and WIZARD not in detail
    assert employee.get(WIZARD).status_code == 403
    assert employee.post("/catalog/client-billing/retry/").status_code == 403
    assert employee.post("/catalog/client-billing/uninstall/").status_code == 403


def test_the_wizard_installs_in_the_background_and_opens_the_solution(
    stripe_platform, alpha, owner
):
    assert owner.get("/billing/")["Location"] == "/catalog/client-billing/"  # not installed
    assert 'href="/billing/"' not in owner.get("/").content.decode()  # no menu entry
    connection = connect_stripe(stripe_platform, alpha)

    assert "Welcome to Client Billing" in owner.get(WIZARD).content.decode()
    owner.post(WIZARD + "?step=platform", {"platform": "stripe"})
    page = owner.get(WIZARD + "?step=connection").content.decode()
    assert connection.remote_account_id in page
    owner.post(WIZARD + "?step=connection", {"connection": connection.pk})
    response = owner.post(WIZARD + "?step=confirm")
    assert response["Location"] == "/catalog/client-billing/installation/"
    row = installation(alpha)
    assert row.status == "installing" and row.connection_id == connection.pk
    assert "Installation started" in owner.get(response["Location"]).content.decode()

    assert run_installation(alpha.schema_name, row.pk) == "installed"  # what the worker does
    done = owner.get(response["Location"]).content.decode()
    assert "Client Billing is installed." in done and "Take me there" in done
    assert owner.get("/billing/").status_code == 200
    assert 'href="/billing/"' in owner.get("/").content.decode()


def test_installing_twice_changes_nothing(
    stripe_platform, alpha, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(services, "_enqueue", lambda schema, pk: queued.append(pk))
    connection = connect_stripe(stripe_platform, alpha)
    with django_capture_on_commit_callbacks(execute=True), schema_context(alpha.schema_name):
        first = services.start("client-billing", user=owner_of(alpha), connection=connection)
        services.run(first.pk)
        again = services.start("client-billing", user=owner_of(alpha), connection=connection)
    assert again.pk == first.pk and again.status == "installed"
    assert len(queued) == 1


def test_two_administrators_clicking_install_at_once_make_one_installation(
    stripe_platform, accounts, monkeypatch
):
    from payment_requests.tests.test_concurrency import in_thread
    from tenants.services import NewAccount, create_account

    queued = []
    monkeypatch.setattr(services, "_enqueue", lambda schema, pk: queued.append(pk))
    slug = f"twin{uuid.uuid4().hex[:8]}"

    def prepare():
        tenant, owner_user = create_account(
            NewAccount("Twin Co", slug, "Tia Owner", f"tia@{slug}.example", "x-Very-long-pass-9")
        )
        return tenant, owner_user, connect_stripe(stripe_platform, tenant)

    tenant, owner_user, connection = in_thread(prepare)

    def click():
        with schema_context(tenant.schema_name):
            return services.start("client-billing", user=owner_user, connection=connection)

    _results, errors = all_at_once(2, click)
    assert not errors and len(queued) == 1

    def count():
        with schema_context(tenant.schema_name):
            return Installation.objects.count()

    assert in_thread(count) == 1


def test_a_failing_step_says_why_and_a_retry_works(stripe_platform, alpha, owner, monkeypatch):
    monkeypatch.setattr(services, "_enqueue", lambda schema, pk: None)
    connection = connect_stripe(stripe_platform, alpha)
    stripe_platform.app.faults.append(
        Fault({"method": "GET", "path": r"/v1/accounts/.*", "kind": "error_500", "times": 3})
    )
    with schema_context(alpha.schema_name):
        row = services.start("client-billing", user=owner_of(alpha), connection=connection)
        assert services.run(row.pk).status == "failed"
    page = owner.get("/catalog/client-billing/installation/").content.decode()
    assert "Installation failed" in page and "Stripe" in page and "Retry" in page

    owner.post("/catalog/client-billing/retry/")
    with schema_context(alpha.schema_name):
        assert services.run(row.pk).status == "installed"


def test_uninstall_warns_about_open_requests_and_reinstall_keeps_history(
    stripe_platform, alpha, owner, monkeypatch
):
    from payment_requests.tests.conftest import make_client, make_request

    monkeypatch.setattr(services, "_enqueue", lambda schema, pk: None)
    connection = connect_stripe(stripe_platform, alpha)
    with schema_context(alpha.schema_name):
        services.run(
            services.start("client-billing", user=owner_of(alpha), connection=connection).pk
        )
    make_client(alpha)
    item = make_request(alpha, description="Kept request")
    with schema_context(alpha.schema_name):
        type(item).objects.filter(pk=item.pk).update(status="sent")

    refused = owner.post("/catalog/client-billing/uninstall/", follow=True).content.decode()
    assert "1 payment request is still open" in refused
    assert installation(alpha).status == "installed"
    owner.post("/catalog/client-billing/uninstall/", {"confirm_open": "yes"})
    assert installation(alpha).status == "uninstalled"
    assert owner.get("/billing/").status_code == 302

    with schema_context(alpha.schema_name):
        services.run(
            services.start("client-billing", user=owner_of(alpha), connection=connection).pk
        )
    assert "Kept request" in owner.get("/billing/").content.decode()
