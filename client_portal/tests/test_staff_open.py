"""A member opens a client's portal: who may, what it records, and the banner it shows."""

from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, make_member, owner_of
from client_portal.models import PortalSession
from client_portal.tests.conftest import Status, make_client, make_invoice, signed_in
from payment_requests.models import BillingAccess

BANNER = "You are viewing Ana Client's portal as"


def owner_browser(tenant):
    return client_on(tenant, owner_of(tenant))


def test_a_billing_member_lands_on_the_portal_with_a_banner_and_a_way_out(alpha):
    ana = make_client(alpha)
    staff = owner_browser(alpha)

    response = staff.post(f"/billing/clients/{ana.pk}/open-portal/")

    assert response.status_code == 302 and response["Location"] == "/portal/"
    page = staff.get("/portal/invoices/").content.decode()
    owner = owner_of(alpha)
    assert f"{BANNER} {owner.full_name}." in page
    assert "Sign out of it" in page


def test_the_banner_is_on_every_portal_page_and_sign_out_ends_it(alpha):
    ana = make_client(alpha)
    staff = owner_browser(alpha)
    staff.post(f"/billing/clients/{ana.pk}/open-portal/")

    for url in ("/portal/invoices/", "/portal/statements/"):
        assert BANNER in staff.get(url).content.decode(), url
    staff.post("/portal/sign-out/")

    assert staff.get("/portal/invoices/")["Location"] == "/portal/sign-in/"


def test_the_clients_own_session_shows_no_banner(alpha):
    ana = make_client(alpha)

    page = signed_in(alpha, ana).get("/portal/invoices/").content.decode()

    assert "You are viewing" not in page and "Sign out of it" not in page


def test_the_opening_is_recorded_and_shown_on_the_clients_page(alpha):
    ana = make_client(alpha)
    staff = owner_browser(alpha)

    staff.post(f"/billing/clients/{ana.pk}/open-portal/")

    owner = owner_of(alpha)
    with schema_context(alpha.schema_name):
        session = PortalSession.objects.get(client=ana)
    assert session.opened_by == owner
    page = staff.get(f"/billing/clients/{ana.pk}/").content.decode()
    assert "Open the client's portal" in page
    assert f"Opened by {owner.full_name} on" in page


def test_from_an_invoice_it_lands_on_that_invoices_portal_page(alpha):
    ana = make_client(alpha)
    item = make_invoice(alpha, ana, number="INV-00042")
    staff = owner_browser(alpha)

    assert "Open the client's portal" in staff.get(f"/billing/requests/{item.pk}/").content.decode()
    response = staff.post(f"/billing/requests/{item.pk}/open-portal/")

    assert response["Location"] == f"/portal/invoices/{item.pk}/"
    assert "INV-00042" in staff.get(response["Location"]).content.decode()


def test_from_a_draft_it_lands_on_the_invoice_list(alpha):
    ana = make_client(alpha)
    draft = make_invoice(alpha, ana, status=Status.DRAFT)

    response = owner_browser(alpha).post(f"/billing/requests/{draft.pk}/open-portal/")

    assert response["Location"] == "/portal/invoices/"


def test_only_members_with_client_billing_access_may(alpha):
    ana = make_client(alpha)
    emma = make_member(alpha, "emma@alpha.example")
    item = make_invoice(alpha, ana)
    refused = client_on(alpha, emma)

    assert refused.post(f"/billing/clients/{ana.pk}/open-portal/").status_code == 403
    assert refused.post(f"/billing/requests/{item.pk}/open-portal/").status_code == 403
    anonymous = client_on(alpha).post(f"/billing/clients/{ana.pk}/open-portal/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    with schema_context(alpha.schema_name):
        assert not PortalSession.objects.exists()
        BillingAccess.objects.create(user=emma)

    granted = client_on(alpha, emma).post(f"/billing/clients/{ana.pk}/open-portal/")
    assert granted.status_code == 302


def test_a_get_opens_nothing(alpha):
    ana = make_client(alpha)

    assert owner_browser(alpha).get(f"/billing/clients/{ana.pk}/open-portal/").status_code == 405


def test_another_accounts_client_or_invoice_is_not_found(alpha, beta):
    for name in ("Cy One", "Di Two", "Ed Three"):  # ids beyond any of alpha's
        make_client(beta, name)
    bob = make_client(beta, "Bob Beta")
    theirs = make_invoice(beta, bob)
    make_client(alpha)
    staff = owner_browser(alpha)

    assert staff.post(f"/billing/clients/{bob.pk}/open-portal/").status_code == 404
    assert staff.post(f"/billing/requests/{theirs.pk}/open-portal/").status_code == 404
    for tenant in (alpha, beta):
        with schema_context(tenant.schema_name):
            assert not PortalSession.objects.exists()
