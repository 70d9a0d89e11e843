"""The client list and form, at the paths they always had, under the ``clients`` namespace."""

from __future__ import annotations

from django.urls import reverse
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, make_member
from clients.models import Client
from clients.tests.conftest import make_client


def test_the_client_pages_keep_their_paths():
    assert reverse("clients:list") == "/billing/clients/"
    assert reverse("clients:new") == "/billing/clients/new/"
    assert reverse("clients:edit", args=[7]) == "/billing/clients/7/"
    assert reverse("clients:suggestions") == "/billing/clients/suggestions/"


def test_the_list_finds_clients_by_name_company_or_email(alpha, owner_client):
    make_client(alpha, "ana@client.test", "Ana", company="Ana Studio")
    make_client(alpha, "ines@brasserie.test", "Inès", company="Brasserie du Port")
    page = owner_client.get("/billing/clients/").content.decode()
    assert "Ana Studio" in page and "Brasserie du Port" in page
    for search in ("brasserie", "ines@", "Inès"):
        found = owner_client.get("/billing/clients/", {"q": search}).content.decode()
        assert "Brasserie du Port" in found and "Ana Studio" not in found, search


def test_a_new_client_is_saved_and_the_list_shows_it(alpha, owner_client):
    response = owner_client.post(
        "/billing/clients/new/",
        {"name": "Bea", "email": "bea@client.test", "preferred_currency": "CHF", "language": ""},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/billing/clients/"
    assert "Client Bea saved." in response.content.decode()
    with schema_context(alpha.schema_name):
        assert Client.objects.get(email="bea@client.test").preferred_currency == "CHF"


def test_editing_a_client_changes_it(alpha, owner_client):
    client = make_client(alpha)
    form = owner_client.get(f"/billing/clients/{client.pk}/").content.decode()
    assert "Edit Ana Client" in form
    owner_client.post(
        f"/billing/clients/{client.pk}/",
        {"name": "Ana Renamed", "email": client.email, "preferred_currency": "EUR"},
    )
    with schema_context(alpha.schema_name):
        assert Client.objects.get(pk=client.pk).name == "Ana Renamed"


def test_the_picker_suggests_a_few_matching_clients(alpha, owner_client):
    for n in range(12):
        make_client(alpha, f"c{n}@client.test", f"Zed {n:02}")
    page = owner_client.get("/billing/clients/suggestions/", {"client_name": "zed"})
    assert page.content.decode().count("data-client=") == 8


def test_people_without_billing_access_do_not_see_the_clients(alpha):
    employee = client_on(alpha, make_member(alpha, "emma@alpha.example"))
    assert employee.get("/billing/clients/").status_code == 403
