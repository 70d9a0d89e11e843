"""Issue 10 in Chromium: Client Billing at phone width (cards, a sheet, a closed menu that
stays closed) and at 1280 px (every column beside the side panel, one row of totals per
currency, one date format)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from billing_saas.testing.fixtures import PASSWORD
from billing_saas.testing.threads import in_thread
from tests.e2e.test_signup_and_team import sign_in, unique

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SHOTS = "test-artifacts/layout"


@pytest.fixture(scope="module")
def billing_account(accounts, django_db_blocker):
    """An account with Client Billing installed on a named Stripe account, two clients and
    requests in two currencies (committed, so the live server sees them)."""
    from clients.models import Client
    from connectors.models import Connection
    from payment_requests import services
    from payment_requests.models import PaymentRequest
    from solutions.models import Installation
    from tenants.services import NewAccount, create_account

    slug = unique("layout")
    with django_db_blocker.unblock():
        tenant, owner = create_account(
            NewAccount("Harbour Design", slug, "Hana Owner", f"hana@{slug}.example", PASSWORD)
        )
        with schema_context(tenant.schema_name):
            connection = Connection.objects.create(
                platform=Connection.Platform.STRIPE,
                mode=Connection.Mode.TEST,
                display_name="Harbour Design Ltd",
                remote_account_id="acct_1HarbourDesign42",
            )
            Installation.objects.update_or_create(
                solution="client-billing",
                defaults={"status": Installation.Status.INSTALLED, "connection": connection},
            )
            carl = Client.objects.create(
                name="Carl Lindqvist", email="carl@client.test", company="Lindqvist & Daughters"
            )
            dee = Client.objects.create(name="Dee Okafor", email="dee@client.test")
            today = timezone.localdate()
            rows = [
                (carl, "Brand refresh – phase 2", "12450.00", "EUR", 10, "sent"),
                (dee, "Website maintenance, December", "980.00", "USD", -5, "overdue"),
                (carl, "Logo animation", "1250.50", "EUR", 3, "paid"),
                (dee, "Photography day rate", "2400.00", "USD", 20, "sent"),
                (carl, "Print proofs", "75.00", "EUR", 30, "draft"),
            ]
            for number, (client, description, amount, currency, days, status) in enumerate(rows):
                item = services.create_request(
                    actor=owner,
                    client=client,
                    description=description,
                    amount=Decimal(amount),
                    currency=currency,
                    due_date=today + timedelta(days=days),
                )
                if status != "draft":
                    PaymentRequest.objects.filter(pk=item.pk).update(
                        status=status,
                        number=f"INV-{slug[-4:]}-{number + 1:05d}",
                        connection=connection,
                        sent_at=timezone.now(),
                        amount_paid=Decimal(amount) if status == "paid" else 0,
                        paid_at=timezone.now() if status == "paid" else None,
                    )
    return tenant


@pytest.fixture
def signed_in(browser, live_app, billing_account, request):
    """A browser context at the viewport the test asks for, signed in as the owner."""

    def open_at(viewport):
        context = browser.new_context(viewport=viewport)
        context.set_default_timeout(15000)
        request.addfinalizer(context.close)
        page = context.new_page()
        sign_in(page, live_app, billing_account.host, billing_account.owner_email)
        expect(page.get_by_role("heading", name="Hello, Hana Owner")).to_be_visible()
        return page

    return open_at


def dashboard(page, live_app, tenant, query=""):
    page.goto(live_app.account_url(tenant, f"/billing/{query}"))
    expect(page.get_by_role("heading", name="Client Billing", level=1)).to_be_visible()


def box(locator):
    return locator.bounding_box()


def set_status(tenant, description, status):
    """Change a request as a webhook would, committed so the live server sees it."""
    from payment_requests import live
    from payment_requests.models import PaymentRequest

    def work():
        with schema_context(tenant.schema_name):
            PaymentRequest.objects.filter(description=description).update(status=status)
            live.changed()  # a bulk update passes no signal: say that the dashboard changed

    in_thread(work)


def test_on_a_phone_the_list_comes_first_as_cards_with_the_filters_folded(
    signed_in, live_app, billing_account
):
    page = signed_in(PHONE)
    dashboard(page, live_app, billing_account)

    cards = page.locator("tr[data-request]")
    assert box(cards.first)["y"] < PHONE["height"]
    for index in range(cards.count()):
        card = cards.nth(index)
        for part in (".requests__amount", ".requests__status .status", ".requests__due"):
            edges = box(card.locator(part))
            assert edges["x"] >= 0 and edges["x"] + edges["width"] <= PHONE["width"], part
        expect(card.locator(".requests__client a")).to_be_visible()
        expect(card.locator(".requests__description")).to_be_visible()
    table = page.locator(".table-wrap")
    assert table.evaluate("el => el.scrollWidth <= el.clientWidth")
    page.screenshot(path=f"{SHOTS}-390-dashboard.png", full_page=True)

    search = page.get_by_label("Search requests")
    expect(search).to_be_hidden()
    page.locator(".filters-toggle summary").click()
    expect(search).to_be_visible()
    search.fill("photo")
    page.get_by_role("button", name="Filter").click()
    expect(cards).to_have_count(1)
    toggle = page.locator(".filters-toggle summary")
    expect(toggle.locator(".badge")).to_have_text("1")
    expect(toggle).to_contain_text("(1 active)")  # for screen readers
    expect(search).to_be_hidden()  # folded again on the new page, the count says why


def test_on_a_phone_a_request_opens_as_a_full_screen_sheet_with_a_way_back(
    signed_in, live_app, billing_account
):
    page = signed_in(PHONE)
    dashboard(page, live_app, billing_account)
    card = page.locator("tr[data-request]", has_text="Photography day rate")
    middle = box(card.locator(".requests__description"))  # anywhere on the card opens it
    page.mouse.click(middle["x"] + middle["width"] / 2, middle["y"] + middle["height"] / 2)

    panel = page.get_by_role("complementary", name="Payment request details")
    expect(panel).to_contain_text("Photography day rate")
    edges = box(panel)
    assert edges["x"] <= 0 and edges["y"] <= 0
    assert edges["x"] + edges["width"] >= PHONE["width"]
    assert edges["y"] + edges["height"] >= PHONE["height"]
    assert page.evaluate("document.activeElement.id") == "panel"
    back = panel.get_by_role("link", name="Back to requests")
    expect(back).to_be_in_viewport()
    expect(panel).to_contain_text("Harbour Design Ltd")
    page.screenshot(path=f"{SHOTS}-390-panel.png")

    # Nothing changed: the live refresh leaves the page alone (the server answers 204).
    panel.evaluate("el => { el.scrollTop = 12; el.dataset.before = 'refresh'; }")
    page.wait_for_timeout(9_000)  # two polls
    assert panel.evaluate("el => el.dataset.before") == "refresh"
    # A change: the live part is swapped, keeping the sheet and where it was scrolled to.
    set_status(billing_account, "Photography day rate", "paid")
    page.wait_for_function("!document.getElementById('panel').dataset.before", timeout=15_000)
    assert panel.evaluate("el => el.scrollTop") == 12
    expect(panel.locator(".amount-lg .status")).to_have_text("Paid", timeout=15_000)
    expect(card.locator(".status")).to_have_text("Paid")
    assert box(panel)["x"] <= 0 and box(panel)["width"] >= PHONE["width"]

    back.click()
    expect(panel).to_have_count(0)
    assert "open=" not in page.url
    expect(page.locator("tr[data-request]").first).to_be_in_viewport()
    set_status(billing_account, "Photography day rate", "sent")


def test_on_a_phone_the_closed_menu_leaves_no_shadow_on_the_left_edge(
    signed_in, live_app, billing_account
):
    page = signed_in(PHONE)
    dashboard(page, live_app, billing_account)
    sidebar = page.locator(".sidebar")

    edges = box(sidebar)
    assert edges["x"] + edges["width"] <= 0
    assert sidebar.evaluate("el => getComputedStyle(el).boxShadow") == "none"
    expect(sidebar).to_be_hidden()  # and nothing in it to tab to

    page.get_by_label("Open menu").click()
    expect(sidebar.get_by_role("link", name="Client Billing")).to_be_visible()
    page.wait_for_function(  # it slides in: polled until all the way in
        "sidebar => sidebar.getBoundingClientRect().x === 0", arg=sidebar.element_handle()
    )
    assert sidebar.evaluate("el => getComputedStyle(el).boxShadow") != "none"


def placeholder_fits(search) -> bool:
    return search.evaluate(
        """el => {
            const style = getComputedStyle(el);
            const context = document.createElement("canvas").getContext("2d");
            context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
            const room = el.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight);
            return context.measureText(el.placeholder).width <= room;
        }"""
    )


def test_at_1280_the_panel_leaves_every_column_and_the_search_fits(
    signed_in, live_app, billing_account
):
    page = signed_in(DESKTOP)
    dashboard(page, live_app, billing_account)
    assert placeholder_fits(page.get_by_label("Search requests"))
    page.screenshot(path=f"{SHOTS}-1280-dashboard.png", full_page=True)

    page.locator("tr[data-request]", has_text="Brand refresh").locator(".requests__open").click()
    panel = page.get_by_role("complementary", name="Payment request details")
    expect(panel).to_contain_text("Brand refresh – phase 2")
    assert placeholder_fits(page.get_by_label("Search requests"))
    table = page.locator(".table-wrap")
    assert table.evaluate("el => el.scrollWidth <= el.clientWidth")  # nothing scrolled away
    for name in ("Due", "Platform", "Status", "Amount"):
        header = page.get_by_role("columnheader", name=name, exact=True)
        expect(header).to_be_visible()
        assert box(header)["x"] + box(header)["width"] <= box(panel)["x"]
    page.locator("tr[data-request]").last.scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}-1280-panel.png")

    # One date format, the locale's, in the list and in the panel.
    row = page.locator("tr[data-request].is-selected")
    listed = row.locator(".requests__due").inner_text()
    shown = panel.locator("dt:text-is('Due date') + dd").inner_text()
    assert listed == shown and "/" not in listed


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_panels_confirmations_open_whole_and_can_be_answered(
    signed_in, live_app, billing_account, width
):
    """The panel scrolls, so it clips pop-overs: the delete confirmation of a request that is
    still payable once opened half outside it, its checkbox out of reach."""
    page = signed_in(width)
    dashboard(page, live_app, billing_account)
    page.locator("[data-request]", has_text="Brand refresh").locator(".requests__open").click()
    panel = page.get_by_role("complementary", name="Payment request details")
    for action, answer in (("Delete", "Delete it anyway"), ("Cancel request", "Yes, cancel it")):
        panel.locator("summary", has_text=action).click()
        dialog = panel.get_by_role("dialog")
        expect(dialog).to_be_visible()
        inside, outside = box(panel), box(dialog)
        assert inside["x"] <= outside["x"] and (
            outside["x"] + outside["width"] <= inside["x"] + inside["width"]
        )
        target = (
            dialog.get_by_label(answer)
            if answer.endswith("anyway")
            else dialog.get_by_role("button", name=answer)
        )
        target.click(trial=True)  # reachable: visible, enabled, not covered
        page.screenshot(path=f"{SHOTS}-{width['width']}-confirm-{action.split()[0].lower()}.png")
        panel.locator("summary", has_text=action).click()  # close it again
        expect(dialog).to_be_hidden()


def test_at_1280_each_currency_has_its_own_row_of_totals(signed_in, live_app, billing_account):
    page = signed_in(DESKTOP)
    for query in ("", "?open=" + str(first_request_pk(billing_account))):
        dashboard(page, live_app, billing_account, query)
        groups = page.locator(".totals__currency")
        expect(groups).to_have_count(2)
        tops = []
        for index in range(2):
            cards = groups.nth(index).locator(".stat")
            expect(cards).to_have_count(3)
            rows = {round(box(cards.nth(card))["y"]) for card in range(3)}
            assert len(rows) == 1, f"currency {index} wraps: {rows}"
            tops.append(rows.pop())
        assert tops[0] < tops[1]


def first_request_pk(tenant):
    from payment_requests.models import PaymentRequest

    with schema_context(tenant.schema_name):
        return PaymentRequest.objects.order_by("pk").values_list("pk", flat=True).first()


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["1280", "390"])
def test_screenshots_of_the_pages_a_new_user_meets(signed_in, live_app, billing_account, width):
    page = signed_in(width)
    size = width["width"]
    pages = {
        "request-form": "/billing/requests/new/",
        "clients": "/billing/clients/",
        "connections": "/settings/payments/",
        "settings": "/billing/settings/",
    }
    for name, path in pages.items():
        page.goto(live_app.account_url(billing_account, path))
        assert page.evaluate("document.documentElement.scrollWidth") <= size, name
        page.screenshot(path=f"{SHOTS}-{size}-{name}.png", full_page=True)

    wizard = "/catalog/client-billing/install/"
    page.goto(live_app.account_url(billing_account, wizard + "?step=platform"))
    page.get_by_label("Stripe").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Choose a Stripe connection")).to_be_visible()
    expect(page.locator(".choice")).to_contain_text("Harbour Design Ltd")
    page.screenshot(path=f"{SHOTS}-{size}-wizard-connection.png", full_page=True)
    page.get_by_role("link", name="New connection: create a Stripe account").click()
    expect(page.get_by_role("heading", name="Create a Stripe account")).to_be_visible()
    expect(page.locator(".wizard__steps [aria-current]")).to_have_text("Connection")
    expect(page.locator(".menu__link.is-active")).to_have_text("Catalog")
    assert page.evaluate("document.documentElement.scrollWidth") <= size
    page.screenshot(path=f"{SHOTS}-{size}-wizard-new-stripe-account.png", full_page=True)
