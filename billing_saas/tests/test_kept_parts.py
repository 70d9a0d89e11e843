"""Kept parts of pages (billing_saas/kept_parts.py): re-used only where they would render the
same, never across users, accounts or languages, never stale, never with a CSRF token."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from django.middleware.csrf import get_token
from django.template import Context, RequestContext, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.urls import set_script_prefix, set_urlconf
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django_tenants.utils import schema_context

from billing_saas import kept_parts, number_input
from billing_saas.testing.fixtures import client_on, install_client_billing, make_member, owner_of
from tenants.members.models import Role, User
from tenants.models import Tenant

_compiled: dict[str, Template] = {}


def render(source: str, **values) -> str:
    """``source`` rendered with ``values``; compiled once, as the cached template loader does
    (a part is kept per place in a compiled template)."""
    if source not in _compiled:
        _compiled[source] = Template("{% load kept_parts %}" + source)
    return _compiled[source].render(Context(values))


@pytest.fixture(autouse=True)
def nothing_kept():
    kept_parts._kept.clear()


@dataclass(frozen=True)
class Shown:
    name: str


@dataclass
class Unfrozen:
    name: str


def test_a_part_is_rendered_once_for_the_same_values():
    template = Template("{% load kept_parts %}{% keep name=name %}{{ name }}{% endkeep %}")
    assert template.render(Context({"name": "Ana"})) == "Ana"
    assert len(kept_parts._kept) == 1
    kept_parts._kept[next(iter(kept_parts._kept))] = "from the memo"
    assert template.render(Context({"name": "Ana"})) == "from the memo"
    assert template.render(Context({"name": "Bo"})) == "Bo"


def test_a_part_sees_only_the_values_it_is_keyed_on():
    source = "{% keep name=name %}{{ name }}/{{ secret }}/{{ user.email }}{% endkeep %}"
    shown = render(source, name="Ana", secret="s3cret", user={"email": "ana@example.com"})
    assert shown == "Ana//"


def test_a_value_that_renders_differently_is_another_key():
    source = "{% keep value=value %}{{ value }}{% endkeep %}"
    assert render(source, value=mark_safe("<b>")) == "<b>"
    assert render(source, value="<b>") == "&lt;b&gt;"  # a plain string is escaped, kept or not
    assert render(source, value=True) == "True"
    assert render(source, value=1) == "1"
    assert render(source, value=[Shown("a")]) != render(source, value=(Shown("a"),))


def test_frozen_dataclasses_are_keyed_by_their_fields():
    source = "{% keep item=item %}{{ item.name }}{% endkeep %}"
    assert render(source, item=Shown("Ana")) == "Ana"
    assert render(source, item=Shown("Bo")) == "Bo"
    assert render(source, item=(Shown("Cy"), date(2025, 1, 2))) == ""


@pytest.mark.parametrize("value", [Unfrozen("Ana"), {"name": "Ana"}, 1.5, timezone.now()])
def test_values_without_a_value_identity_are_refused(value):
    with pytest.raises(TypeError):
        render("{% keep value=value %}{{ value }}{% endkeep %}", value=value)


def test_the_language_is_part_of_the_key():
    source = "{% load i18n %}{% keep %}{% get_current_language as code %}{{ code }}{% endkeep %}"
    browser = number_input._number_locale.set("en_GB")  # the same number locale for both
    try:
        with translation.override("en"):
            assert render(source) == "en"
        with translation.override("fr"):
            assert render(source) == "fr"
    finally:
        number_input._number_locale.reset(browser)


def test_the_time_zone_is_part_of_the_key():
    source = "{% load tz %}{% keep %}{% get_current_timezone as zone %}{{ zone }}{% endkeep %}"
    with timezone.override("Europe/Paris"):
        assert render(source) == "Europe/Paris"
    with timezone.override("Asia/Tokyo"):
        assert render(source) == "Asia/Tokyo"


def test_the_script_prefix_is_part_of_the_key():
    source = "{% keep %}{% url 'dashboard' %}{% endkeep %}"
    try:
        set_script_prefix("/one/")
        assert render(source) == "/one/"
        set_script_prefix("/two/")
        assert render(source) == "/two/"
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize(
    "tag", ["{% csrf_token %}", "{% block x %}{% endblock %}", '{% now "Y" %}']
)
def test_what_differs_per_request_page_or_moment_cannot_be_kept(tag):
    with pytest.raises(TemplateSyntaxError):
        Template("{% load kept_parts %}{% keep %}" + tag + "{% endkeep %}")


def test_the_csrf_token_beside_a_kept_part_is_the_requests_own():
    template = Template(
        "{% load kept_parts %}{% keep %}<form>{% endkeep %}{% csrf_token %}{% keep %}</form>"
        "{% endkeep %}"
    )
    tokens = []
    for _ in range(2):
        request = RequestFactory().get("/")
        get_token(request)
        page = template.render(RequestContext(request, {}))
        tokens.append(re.search(r'value="([^"]+)"', page).group(1))
    assert tokens[0] != tokens[1]


# ---- the pages that keep parts ------------------------------------------------------------
def sidebar(page: str) -> str:
    return re.search(r'<aside class="sidebar".*?</aside>', page, re.S).group(0)


def user_menu(page: str) -> str:
    return re.search(r'<details class="user-menu">.*?</details>', page, re.S).group(0)


def test_each_account_and_member_sees_their_own_shell(alpha, beta):
    install_client_billing(alpha)
    employee = make_member(alpha, "erin@example.com", Role.EMPLOYEE, full_name="Erin Employee")
    on_alpha = client_on(alpha, owner_of(alpha)).get("/").content.decode()
    on_beta = client_on(beta, owner_of(beta)).get("/").content.decode()
    as_employee = client_on(alpha, employee).get("/").content.decode()

    assert "Alpha Studio" in sidebar(on_alpha) and "Beta Studio" not in sidebar(on_alpha)
    assert "Beta Studio" in sidebar(on_beta) and "Alpha Studio" not in sidebar(on_beta)
    assert "Alpha Owner" in user_menu(on_alpha) and "owner@alpha.example" in user_menu(on_alpha)
    assert "Beta Owner" in user_menu(on_beta)
    assert "Erin Employee" in user_menu(as_employee)
    assert '<span class="badge">Employee</span>' in user_menu(as_employee)
    assert "Alpha Owner" not in as_employee
    assert 'href="/accounts/employees/"' in sidebar(on_alpha)
    assert 'href="/accounts/employees/"' not in sidebar(as_employee)  # admins only


def test_a_change_shows_on_the_next_page(alpha):
    owner = owner_of(alpha)
    browser = client_on(alpha, owner)
    before = browser.get("/").content.decode()
    assert "Alpha Owner" in user_menu(before) and 'href="/billing/"' not in sidebar(before)

    with schema_context(alpha.schema_name):
        User.objects.filter(pk=owner.pk).update(full_name="Alma Owner", email="alma@alpha.example")
    install_client_billing(alpha)  # a new menu entry
    Tenant.objects.filter(pk=alpha.pk).update(name="Alpha Renamed")

    after = browser.get("/").content.decode()
    assert "Alma Owner" in user_menu(after) and "alma@alpha.example" in user_menu(after)
    assert "Alpha Owner" not in after
    assert "Alpha Renamed" in sidebar(after)
    assert 'href="/billing/"' in sidebar(after)


def test_the_sign_out_form_carries_each_requests_own_token(alpha):
    owner = owner_of(alpha)
    tokens = set()
    for _ in range(2):
        page = client_on(alpha, owner).get("/").content.decode()
        form = re.search(r'<form method="post" action="/accounts/logout/">.*?</form>', page, re.S)
        tokens.add(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0))[1])
    assert len(tokens) == 2


def test_a_process_keeps_a_bounded_number_of_parts(monkeypatch):
    monkeypatch.setattr(kept_parts, "MAX_PARTS", 3)
    for n in range(10):
        assert render("{% keep n=n %}{{ n }}{% endkeep %}", n=n) == str(n)
        assert len(kept_parts._kept) <= 3


def test_a_changed_setting_drops_every_part(settings):
    source = "{% load static %}{% keep %}{% static 'css/app.css' %}{% endkeep %}"
    assert render(source) == "/static/css/app.css"
    settings.STATIC_URL = "/assets/"
    assert render(source) == "/assets/css/app.css"


def picker(page: str) -> str:
    return re.search(r'<div class="client-picker".*?</div>', page, re.S).group(0)


def test_the_dashboards_kept_parts_show_each_views_own_filters(alpha):
    from clients.models import Client as BillingClient

    install_client_billing(alpha)
    with schema_context(alpha.schema_name):
        ana = BillingClient.objects.create(name="Ana", email="ana@client.test", company="Studio")
    owner = client_on(alpha, owner_of(alpha))

    typed = owner.get("/billing/?client_name=zed&status=sent").content.decode()
    assert 'value="zed"' in picker(typed) and '<option value="sent" selected>' in typed
    plain = owner.get("/billing/").content.decode()
    assert 'value="zed"' not in picker(plain) and "selected>" not in plain
    assert "Clear filters" not in plain

    picked = owner.get(f"/billing/?client={ana.pk}").content.decode()
    assert f'value="{ana.pk}"' in picker(picked) and 'value="Ana (Studio)"' in picker(picked)
    with schema_context(alpha.schema_name):
        BillingClient.objects.filter(pk=ana.pk).update(name="Ana Renamed")
    renamed = owner.get(f"/billing/?client={ana.pk}").content.decode()
    assert 'value="Ana Renamed (Studio)"' in picker(renamed)


@pytest.fixture
def french(settings):
    """French with a few words set for the test (its catalogue is reloaded afterwards, when
    the setting is restored): pages read in French show them, pages in English do not."""
    settings.LANGUAGES = [("en", "English"), ("fr", "French")]
    words = {
        "Dashboard": "Tableau de bord",
        "Sent (pending)": "Envoyée",
        "Skip to content": "Aller au contenu",
    }
    catalog = translation.trans_real.translation("fr")._catalog._catalogs[0]
    catalog.update(words)
    yield
    for word in words:
        catalog.pop(word, None)


def reads(tenant, member, language: str) -> None:
    """The member's own language (their profile's), which their pages are in."""
    with schema_context(tenant.schema_name):
        User.objects.filter(pk=member.pk).update(language=language)


def test_a_page_in_one_language_never_shows_another_languages_parts(alpha, french):
    install_client_billing(alpha)
    owner = owner_of(alpha)
    for _ in range(2):  # each language twice: the second from what the process kept
        reads(alpha, owner, "fr")
        french_page = client_on(alpha, owner).get("/billing/").content.decode()
        reads(alpha, owner, "en")
        english_page = client_on(alpha, owner).get("/billing/").content.decode()
        assert "Tableau de bord" in sidebar(french_page) and "Aller au contenu" in french_page
        assert '<option value="sent">Envoyée</option>' in french_page
        assert "Dashboard" in sidebar(english_page) and "Tableau de bord" not in english_page
        assert '<option value="sent">Sent (pending)</option>' in english_page
        assert "Envoyée" not in english_page and "Aller au contenu" not in english_page


def test_what_was_read_in_a_language_is_read_again_when_a_test_changes_a_setting(
    alpha, french, settings
):
    install_client_billing(alpha)
    reads(alpha, owner_of(alpha), "fr")
    browser = client_on(alpha, owner_of(alpha))
    before = browser.get("/billing/").content.decode()
    assert '<option value="paid">Payée</option>' in before and "Clients" in sidebar(before)

    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS]  # Django reloads its catalogues
    catalog = translation.trans_real.translation("fr")._catalog._catalogs[0]
    catalog.update({"Paid": "Réglée", "Clients": "Clientèle"})
    after = browser.get("/billing/").content.decode()  # the setting's restore reloads it
    assert '<option value="paid">Réglée</option>' in after and "Clientèle" in sidebar(after)


def test_the_current_app_is_part_of_the_key():
    """{% url %} reverses for the request's current app: parts are kept apart per app."""
    template = Template("{% load kept_parts %}{% keep %}{% url 'dashboard' %}{% endkeep %}")
    for app in ("one", "two", "one"):
        request = RequestFactory().get("/")
        request.current_app = app
        assert template.render(RequestContext(request, {})) == "/"
    assert len(kept_parts._kept) == 2


def test_the_url_configuration_is_part_of_the_key():
    source = "{% keep %}{% url 'dashboard' %}{% endkeep %}"
    try:
        for urlconf in ("billing_saas.urls_tenant", "bench.urls_tenant"):
            set_urlconf(urlconf)
            assert render(source) == "/"
    finally:
        set_urlconf(None)
    assert len(kept_parts._kept) == 2
