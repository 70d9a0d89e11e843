"""Settings → Payments → Auto-send invoices: billing administrators switch automated
invoicing on, choose its mode, cycle and channel, and see when it next runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import formats, timezone
from django_tenants.utils import schema_context

from auto_invoicing import calendar
from auto_invoicing.models import AutoInvoicing, Channel, Cycle, Mode
from auto_invoicing.tests.conftest import a_client, auto_invoicing
from billing_saas.testing.fixtures import client_on, install_client_billing, make_member, owner_of
from payment_requests.services.access import grant_access
from tenants.models import Tenant

URL = "/settings/payments/auto-send/"
VALID = {
    "enabled": "on",
    "mode": "invoices",
    "cycle": "weekly",
    "weekday": "2",
    "month_day": "1",
    "hour": "7",
    "due_days": "30",
    "channel": "both",
}


@pytest.fixture(autouse=True)
def _installed(alpha):
    install_client_billing(alpha)


@pytest.fixture
def owner(alpha):
    return client_on(alpha, owner_of(alpha))


def saved(tenant) -> AutoInvoicing:
    with schema_context(tenant.schema_name):
        return AutoInvoicing.current()


def test_an_employee_with_billing_access_cannot_open_nor_change_it(alpha):
    employee = make_member(alpha, "emma@alpha.example")
    with schema_context(alpha.schema_name):
        grant_access(employee, granted_by=owner_of(alpha))
    browser = client_on(alpha, employee)

    assert browser.get(URL).status_code == 403
    assert browser.post(URL, VALID).status_code == 403
    assert saved(alpha).enabled is False


def test_the_owner_sees_that_it_applies_to_all_clients_and_the_three_modes(owner):
    page = owner.get(URL).content.decode()

    assert "applies to all your clients" in page
    assert "cannot be switched on for individual clients or groups of clients" in page
    for mode in ("Draft mode", "Send invoices", "Send payment links"):
        assert mode in page
    assert "No invoice is created" in page  # the payment links card explains itself
    assert "The 31st means the month's last day" in page
    assert "Off: no invoice is sent automatically" in page


def test_the_payments_settings_page_links_to_it(owner):
    assert URL in owner.get("/settings/payments/").content.decode()


def test_switching_it_on_saves_the_settings_and_dates_them_from_now(alpha, owner):
    before = timezone.now()
    response = owner.post(URL, VALID)

    assert response.status_code == 302
    settings = saved(alpha)
    assert settings.enabled and settings.enabled_at >= before
    assert (settings.mode, settings.cycle, settings.weekday) == (Mode.INVOICES, Cycle.WEEKLY, 2)
    assert (settings.hour, settings.due_days, settings.channel) == (7, 30, Channel.BOTH)
    assert "Auto-send invoices is on" in owner.get(URL).content.decode()


def test_saving_while_on_keeps_the_date_and_switching_off_clears_nothing(alpha, owner):
    switched_on = timezone.now() - timedelta(days=40)
    auto_invoicing(alpha, enabled=True, enabled_at=switched_on)

    owner.post(URL, {**VALID, "hour": "8"})
    assert saved(alpha).enabled_at == switched_on  # no period skipped by a mere edit

    switched_off = {key: value for key, value in VALID.items() if key != "enabled"}
    owner.post(URL, {**switched_off, "hour": "8"})
    settings = saved(alpha)
    assert settings.enabled is False
    assert (settings.enabled_at, settings.mode, settings.hour) == (switched_on, Mode.INVOICES, 8)


def test_a_day_outside_the_month_is_refused_with_a_message_and_nothing_changes(alpha, owner):
    response = owner.post(URL, {**VALID, "cycle": "monthly", "month_day": "32"})

    assert response.status_code == 200
    assert "Choose a day between 1 and 31." in response.content.decode()
    assert saved(alpha).enabled is False


@pytest.mark.parametrize(
    "field, value",
    [("mode", "everything"), ("channel", "pigeon"), ("hour", "24"), ("due_days", "-1")],
)
def test_values_the_page_does_not_offer_are_refused(alpha, owner, field, value):
    response = owner.post(URL, {**VALID, field: value})

    assert response.status_code == 200
    assert 'class="field__error"' in response.content.decode()
    assert saved(alpha).enabled is False


def test_the_day_field_of_another_cycle_is_ignored(alpha, owner):
    """Without JavaScript both day fields are shown: the unused one must not block a save."""
    response = owner.post(URL, {**VALID, "cycle": "monthly", "month_day": "31", "weekday": "x"})

    assert response.status_code == 302
    settings = saved(alpha)
    assert (settings.cycle, settings.month_day, settings.weekday) == (Cycle.MONTHLY, 31, 0)


def test_the_sms_warning_counts_clients_without_a_mobile_or_opted_out(alpha, owner):
    with schema_context(alpha.schema_name):
        a_client("Ann Lee", mobile="+33612345678")
        a_client("Bob Ray")
        a_client("Cy Twombly")
        a_client("Di Fox", mobile="+33612345679", sms_opted_out=True)
        a_client("Ed Moe", sms_opted_out=True)  # counted once: it has no mobile anyway

    page = owner.get(URL).content.decode()

    assert "make sure all your clients have a valid mobile number" in page
    assert "3 clients have no valid mobile number; 1 opted out of SMS." in page
    assert 'data-sms-unreachable="4"' in page
    assert 'href="/billing/clients/"' in page


def test_the_next_run_is_shown_in_the_accounts_time_zone(alpha, owner):
    Tenant.objects.filter(pk=alpha.pk).update(time_zone="Pacific/Auckland")
    auckland = Tenant.objects.get(pk=alpha.pk).tzinfo
    settings = auto_invoicing(
        alpha, enabled=True, enabled_at=timezone.now(), cycle=Cycle.DAILY, hour=9
    )

    page = owner.get(URL).content.decode()

    next_run = calendar.next_run(settings, timezone.now(), auckland)
    shown = formats.date_format(timezone.localtime(next_run, auckland), "DATETIME_FORMAT")
    assert f"Next run: <strong>{shown}</strong> (Pacific/Auckland)" in page
    assert "9 a.m." in shown
