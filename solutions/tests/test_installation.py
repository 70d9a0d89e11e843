"""Installing Client Billing from the catalog: who may, what happens, and what stays."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, make_member, owner_of
from billing_saas.testing.stripe import connect_stripe
from billing_saas.testing.threads import all_at_once, committed_account, in_thread
from emulators.stripe.app import Fault
from solutions import registry, services
from solutions.models import Installation
from solutions.tasks import run_installation
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


def committed_stripe_account(stripe_platform, name, installation_status=None):
    """An account (committed, so that threads see it) connected to emulated Stripe, with
    Client Billing in ``installation_status`` (never installed when ``None``)."""

    def prepare():
        tenant, owner_user = committed_account(name)
        if installation_status:
            with schema_context(tenant.schema_name):
                Installation.objects.create(
                    solution="client-billing", status=installation_status, progress=["platform"]
                )
        return tenant, owner_user, connect_stripe(stripe_platform, tenant)

    return in_thread(prepare)


@pytest.mark.parametrize("before", [None, "failed", "uninstalled"])
def test_twelve_clicks_on_install_at_once_make_one_installation_and_one_task(
    stripe_platform, accounts, monkeypatch, before
):
    """Never installed (the row is created once), after a failure (Retry) or after an
    uninstall: twelve clicks at the same moment start one installation."""
    queued = []
    monkeypatch.setattr(services, "_enqueue", lambda schema, pk: queued.append(pk))
    tenant, owner_user, connection = committed_stripe_account(stripe_platform, "Twin", before)

    def click():
        with schema_context(tenant.schema_name):
            row = services.start("client-billing", user=owner_user, connection=connection)
            return row.pk, row.status

    answers = all_at_once(12, click)

    assert len(answers) == 12 and len(set(answers)) == 1  # twelve answers, one installation
    ((pk, status),) = set(answers)
    assert status == "installing" and queued == [pk]  # and one task

    def installed():
        with schema_context(tenant.schema_name):
            assert run_installation(tenant.schema_name, pk) == "installed"
            return list(Installation.objects.values_list("pk", "progress"))

    assert in_thread(installed) == [(pk, ["platform", "numbering"])]


def test_workers_running_one_installation_at_once_run_each_step_once(
    stripe_platform, accounts, monkeypatch
):
    """A task delivered twice, or a retry queued while the first still runs: the steps are
    locked, so each runs once, whichever worker gets to it."""
    monkeypatch.setattr(services, "_enqueue", lambda schema, pk: None)
    ran, lock = [], threading.Lock()

    def counted(step):
        def run(row):
            with lock:
                ran.append(step.key)
            step.run(row)

        return replace(step, run=run)

    solution = registry.get("client-billing")
    steps = tuple(counted(step) for step in solution.steps)
    monkeypatch.setitem(registry._CATALOG, "client-billing", replace(solution, steps=steps))
    tenant, owner_user, connection = committed_stripe_account(stripe_platform, "Dup")

    def start():
        with schema_context(tenant.schema_name):
            return services.start("client-billing", user=owner_user, connection=connection).pk

    pk = in_thread(start)

    answers = all_at_once(10, lambda: run_installation(tenant.schema_name, pk))

    assert answers == ["installed"] * 10
    assert ran == ["platform", "numbering"]

    def recorded():
        from payment_requests.models import BillingSettings, NumberSequence

        with schema_context(tenant.schema_name):
            row = Installation.objects.get()
            return row.progress, NumberSequence.objects.count(), BillingSettings.objects.count()

    assert in_thread(recorded) == (["platform", "numbering"], 1, 1)


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
