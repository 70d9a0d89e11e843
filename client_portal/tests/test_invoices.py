"""The client's invoices in its portal: what shows, filters, pages, and nothing of others."""

import pytest
from django.utils import timezone

from client_portal.tests.conftest import Status, make_client, make_invoice, signed_in

SHOWN_STATUSES = [
    Status.SENT,
    Status.OVERDUE,
    Status.PAID,
    Status.PARTIALLY_REFUNDED,
    Status.REFUNDED,
]


def portal_urls(pk):
    return [
        f"/portal/invoices/{pk}/",
        f"/portal/invoices/{pk}/pdf/",
        f"/portal/invoices/{pk}/pay/",
    ]


def test_the_list_shows_status_number_due_date_amount_and_balance(alpha):
    ana = make_client(alpha)
    make_invoice(alpha, ana, number="INV-00001", amount="1250.00", amount_paid="250.00")

    text = signed_in(alpha, ana).get("/portal/invoices/").content.decode()

    assert "INV-00001" in text
    assert "Sent (pending)" in text
    assert "€1,250.00" in text and "€1,000.00" in text  # amount, balance due
    assert timezone.localdate().strftime("%Y") in text
    assert ">Pay<" not in text  # not on the platform: nothing to pay through yet


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SENDING])
def test_drafts_never_appear_on_any_portal_page(alpha, status):
    ana = make_client(alpha)
    draft = make_invoice(alpha, ana, status=status, description="Unfinished draftwork")
    page = signed_in(alpha, ana)

    for show in ("all", "unpaid", "paid"):
        assert "draftwork" not in page.get(f"/portal/invoices/?show={show}").content.decode()
    for url in portal_urls(draft.pk):
        response = page.get(url)
        assert response.status_code == 404, url
        assert "draftwork" not in response.content.decode()


def test_filters_unpaid_paid_and_all(alpha):
    ana = make_client(alpha)
    make_invoice(alpha, ana, description="Open one", status=Status.SENT)
    make_invoice(alpha, ana, description="Late one", status=Status.OVERDUE)
    make_invoice(alpha, ana, description="Settled one", status=Status.PAID)
    make_invoice(alpha, ana, description="Voided one", status=Status.CANCELED)
    page = signed_in(alpha, ana)

    def listed(show):
        text = page.get(f"/portal/invoices/?show={show}").content.decode()
        return {name for name in ("Open", "Late", "Settled", "Voided") if f"{name} one" in text}

    assert listed("unpaid") == {"Open", "Late"}
    assert listed("paid") == {"Settled"}
    assert listed("all") == listed("nonsense") == {"Open", "Late", "Settled"}


def test_a_deleted_invoice_shows_only_while_it_can_still_be_paid(alpha):
    ana = make_client(alpha)
    payable = make_invoice(alpha, ana, description="Deleted open", deleted_at=timezone.now())
    paid = make_invoice(
        alpha, ana, description="Deleted paid", status=Status.PAID, deleted_at=timezone.now()
    )
    page = signed_in(alpha, ana)

    text = page.get("/portal/invoices/").content.decode()

    assert "Deleted open" in text and "Deleted paid" not in text
    assert page.get(f"/portal/invoices/{payable.pk}/").status_code == 200
    assert page.get(f"/portal/invoices/{paid.pk}/").status_code == 410


def test_the_list_is_paginated(alpha):
    ana = make_client(alpha)
    for number in range(22):
        make_invoice(alpha, ana, number=f"INV-{number:05}")
    page = signed_in(alpha, ana)

    first = page.get("/portal/invoices/").content.decode()
    second = page.get("/portal/invoices/?page=2").content.decode()

    assert "Page 1 of 2" in first and "INV-00021" in first and "INV-00000" not in first
    assert "INV-00000" in second and "INV-00021" not in second


def test_the_invoice_page_shows_lines_totals_and_the_pdf_link(alpha):
    ana = make_client(alpha)
    item = make_invoice(alpha, ana, number="INV-00003", amount="80.00")

    text = signed_in(alpha, ana).get(f"/portal/invoices/{item.pk}/").content.decode()

    assert '<span class="portal-number">INV-00003</span>' in text
    assert "Total" in text and "€80.00" in text
    assert f"/portal/invoices/{item.pk}/pdf/" in text


def test_the_pdf_downloads_for_its_client(alpha):
    ana = make_client(alpha)
    item = make_invoice(alpha, ana, number="INV-00004")

    response = signed_in(alpha, ana).get(f"/portal/invoices/{item.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_another_clients_invoice_is_not_found_at_every_portal_url(alpha):
    ana, bob = make_client(alpha), make_client(alpha, "Bob Other")
    bobs = [make_invoice(alpha, bob, status=status, description="Bobsecret") for status in Status]
    page = signed_in(alpha, ana)

    for item in bobs:
        for url in portal_urls(item.pk):
            response = page.get(url)
            assert response.status_code == 404, url
            assert "Bobsecret" not in response.content.decode()
    assert "Bobsecret" not in page.get("/portal/invoices/?show=all").content.decode()


def test_another_accounts_invoice_ids_find_nothing(alpha, beta):
    """The same id in both schemas: beta's client sees beta's own, or nothing."""
    from billing_saas.testing.twins import align
    from payment_requests.models import PaymentRequest

    ana = make_client(alpha)
    bea = make_client(beta, "Bea Beta")
    align(PaymentRequest, alpha, beta)
    alphas = make_invoice(alpha, ana, description="Alphasecret")
    page = signed_in(beta, bea)

    for url in portal_urls(alphas.pk):
        response = page.get(url)
        assert response.status_code == 404
        assert "Alphasecret" not in response.content.decode()


@pytest.mark.parametrize("status", SHOWN_STATUSES)
def test_each_sent_or_paid_status_shows(alpha, status):
    ana = make_client(alpha)
    item = make_invoice(alpha, ana, status=status, number="INV-00077")
    page = signed_in(alpha, ana)

    assert "INV-00077" in page.get("/portal/invoices/").content.decode()
    assert page.get(f"/portal/invoices/{item.pk}/").status_code == 200


def test_mark_sent_then_mark_paid_by_staff_move_a_draft_into_the_portals_sections(alpha):
    from billing_saas.testing.fixtures import client_on, owner_of

    ana = make_client(alpha)
    draft = make_invoice(alpha, ana, status=Status.DRAFT, description="Handed-over work")
    staff = client_on(alpha, owner_of(alpha))
    portal = signed_in(alpha, ana)

    def sections() -> set[str]:
        return {
            show
            for show in ("unpaid", "paid")
            if "Handed-over work" in portal.get(f"/portal/invoices/?show={show}").content.decode()
        }

    assert sections() == set()
    staff.post(f"/billing/requests/{draft.pk}/mark-sent/")
    assert sections() == {"unpaid"}
    staff.post(
        f"/billing/requests/{draft.pk}/mark-paid/",
        {"amount": "150.00", "method": "cash", "paid_on": timezone.localdate().isoformat()},
    )
    assert sections() == {"paid"}
    assert "Handed-over work" not in portal.get("/portal/invoices/?show=unpaid").content.decode()
    assert "Cash" in portal.get("/portal/payments/").content.decode()
