"""Who reads which language: members their own, else the account's; clients their own;
visitors of the root domain their browser's. Emails follow their reader, not their sender."""

from __future__ import annotations

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import (
    client_on,
    install_client_billing,
    make_member,
    owner_of,
)
from payment_requests.models import StatusChange
from tenants.members.models import User
from tenants.models import Tenant

pytestmark = pytest.mark.django_db


def speak(tenant: Tenant, language: str, country: str = "") -> None:
    Tenant.objects.filter(pk=tenant.pk).update(language=language, country=country)


def html_lang(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


# ---- the root domain: the browser's language, or the one picked --------------------------------
def test_the_root_domain_speaks_the_browsers_language(root_client):
    french = root_client.get("/signup/", HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9,en;q=0.5")
    assert html_lang(french) == "fr"
    assert "Créer votre compte" in french.content.decode()
    assert french["Content-Language"] == "fr"
    english = root_client.get("/signup/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert html_lang(english) == "en"  # no German: English


def test_a_visitor_picks_a_language_and_keeps_it(root_client):
    root_client.post("/i18n/setlang/", {"language": "fr", "next": "/signup/"})
    page = root_client.get("/signup/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert html_lang(page) == "fr"


def test_sign_up_in_french_makes_a_french_account_in_the_country_chosen(root_client):
    response = root_client.post(
        "/signup/",
        {
            "company_name": "Salon Lumière",
            "subdomain": "salon-lumiere",
            "owner_name": "Léa Martin",
            "email": "lea@salon.example",
            "country": "CA",
            "password": "a-long-and-unusual-passphrase",
        },
        HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9",
    )
    assert response.status_code == 302
    account = Tenant.objects.get(slug="salon-lumiere")
    assert (account.language, account.country) == ("fr", "CA")


def test_the_sign_up_form_guesses_the_country_from_the_browser(root_client):
    page = root_client.get("/signup/", HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")
    assert '<option value="CA" selected>Canada</option>' in page.content.decode()


# ---- an account's pages: the member's own language, else the account's -------------------------
def test_an_account_speaks_its_language_to_visitors_whatever_their_browser(alpha):
    speak(alpha, "fr")
    page = client_on(alpha).get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert html_lang(page) == "fr"
    assert "Mot de passe" in page.content.decode()


def test_a_member_reads_the_accounts_language_until_choosing_one(alpha):
    install_client_billing(alpha)
    speak(alpha, "fr")
    owner = owner_of(alpha)
    browser = client_on(alpha, owner)
    assert html_lang(browser.get("/billing/", HTTP_ACCEPT_LANGUAGE="en-US")) == "fr"

    response = browser.post(
        "/accounts/profile/", {"form": "profile", "full_name": owner.full_name, "language": "en"}
    )
    assert response.status_code == 302
    with schema_context(alpha.schema_name):
        assert User.objects.get(pk=owner.pk).language == "en"
    page = browser.get("/billing/")
    assert html_lang(page) == "en"
    assert "Create a payment request" in page.content.decode()
    assert "Créer une demande de paiement" not in page.content.decode()


def test_a_members_choice_does_not_change_what_colleagues_read(alpha):
    speak(alpha, "fr")
    make_member(alpha, "sam@alpha.example", language="en")
    colleague = make_member(alpha, "zoe@alpha.example")
    assert html_lang(client_on(alpha, colleague).get("/accounts/profile/")) == "fr"


def test_billing_administrators_set_the_accounts_language_and_country(alpha):
    browser = client_on(alpha, owner_of(alpha))
    page = browser.get("/billing/settings/")
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name != "logo"}
    data.update(language="fr", country="BE", time_zone="Europe/Brussels")
    response = browser.post("/billing/settings/", data)
    assert response.status_code == 302, response.context["form"].errors
    account = Tenant.objects.get(pk=alpha.pk)
    assert (account.language, account.country, account.time_zone) == (
        "fr",
        "BE",
        "Europe/Brussels",
    )
    assert html_lang(browser.get("/billing/settings/")) == "fr"


def test_history_is_read_in_the_readers_language_not_the_writers(alpha, alpha_request):
    install_client_billing(alpha)
    with schema_context(alpha.schema_name):
        created = StatusChange.objects.get(request=alpha_request)
        assert created.note == "Created"  # stored as written, translated when read
    speak(alpha, "fr")
    page = client_on(alpha, owner_of(alpha)).get(f"/billing/?open={alpha_request.pk}")
    assert "Créée" in page.content.decode()


@pytest.fixture
def alpha_request(alpha):
    from payment_requests.tests.conftest import make_client, make_request

    make_client(alpha)
    return make_request(alpha)


def test_the_language_settings_name_every_language_in_itself():
    from billing_saas.languages import choices

    assert dict(choices()) == {"en": "English", "fr": "Français"}
    assert [code for code, _name in settings.LANGUAGES] == ["en", "fr"]
