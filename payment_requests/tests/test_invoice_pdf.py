"""The invoice PDF: what it prints (read back with pypdf), in the client's language, printed
once per version, and only for the account's team or the holder of the client's pay link."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context
from pypdf import PdfReader

from billing_saas import pdf as engine
from billing_saas.testing.fixtures import client_on, owner_of
from clients.models import Client
from payment_requests.models import BillingSettings, PaymentRequest
from payment_requests.services.invoice_pdf import attachment_pdf
from payment_requests.services.links import new_link
from payment_requests.tests.test_document_lines_sent import quebec_document

FRENCH_MONTHS = ("janvier février mars avril mai juin juillet août septembre octobre "
                 "novembre décembre").split()  # fmt: skip


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[\u00a0\u202f]", " ", text)  # the French thousands and currency spaces


def downloaded(response) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return pdf_text(b"".join(response.streaming_content))


@pytest.fixture
def renders(monkeypatch):
    """How many times WeasyPrint laid out a PDF."""
    count = []
    real = engine.render_pdf
    monkeypatch.setattr(engine, "render_pdf", lambda *a, **k: count.append(1) or real(*a, **k))
    return count


def test_the_pdf_holds_the_account_client_lines_taxes_and_total(alpha, owner_client):
    item = quebec_document(alpha)
    with schema_context(alpha.schema_name):
        BillingSettings.objects.create(
            address="12 rue Sainte-Catherine\nMontréal QC H2X 1Z4", tax_ids="GST 123456789 RT0001"
        )

    text = downloaded(owner_client.get(f"/billing/requests/{item.pk}/pdf/"))

    for shown in (
        "Alpha Studio", "Montréal QC H2X 1Z4", "GST 123456789 RT0001",
        "Ana Client", "Client Co", "ana@client.test",
        "Design work 1.5 CA$80.00 GST 5%, QST 9.975% CA$120.00",
        "Hosting 3 CA$25.00 CA$5.00 GST 5%, QST 9.975% CA$70.00",
        "Training 1 CA$40.00 CA$40.00",
        "Subtotal CA$230.00", "GST (5%) CA$9.50", "QST (9.975%) CA$18.95", "Total CA$258.45",
        f"Due date {item.due_date:%b}. {item.due_date.day}, {item.due_date.year}",
    ):  # fmt: skip
        assert shown in text, shown


def test_a_french_clients_pdf_is_in_french(alpha, owner_client):
    item = quebec_document(alpha)
    with schema_context(alpha.schema_name):
        Client.objects.filter(pk=item.client_id).update(language="fr")

    text = downloaded(owner_client.get(f"/billing/requests/{item.pk}/pdf/"))

    due = f"{item.due_date.day} {FRENCH_MONTHS[item.due_date.month - 1]} {item.due_date.year}"
    for shown in (
        "Facture", f"Date d’échéance {due}", "120,00 $CA", "QST (9,975%) 18,95 $CA",
        "Total 258,45 $CA",
    ):  # fmt: skip
        assert shown in text, shown
    assert "CA$" not in text


def test_a_second_download_serves_the_same_file_and_a_change_prints_a_new_one(
    alpha, owner_client, renders
):
    item = quebec_document(alpha)
    url = f"/billing/requests/{item.pk}/pdf/"
    first = downloaded(owner_client.get(url))
    assert downloaded(owner_client.get(url)) == first
    assert len(renders) == 1

    with schema_context(alpha.schema_name):  # the client paid part of it
        PaymentRequest.objects.filter(pk=item.pk).update(
            status=PaymentRequest.Status.SENT, number="INV-00042", amount_paid=Decimal("100.00")
        )
    changed = downloaded(owner_client.get(url))

    assert len(renders) == 2
    assert "INV-00042" in changed and "Paid CA$100.00" in changed
    assert "Balance due CA$158.45" in changed


def test_without_a_worker_the_download_waits_on_a_page_that_asks_again(
    alpha, owner_client, monkeypatch, renders
):
    from payment_requests.tasks import render_document_pdf

    queued = []
    monkeypatch.setattr(render_document_pdf, "delay", lambda *args: queued.append(args))
    item = quebec_document(alpha)
    url = f"/billing/requests/{item.pk}/pdf/"

    waiting = owner_client.get(url)
    owner_client.get(url)  # asked again before a worker took it: not queued twice

    page = waiting.content.decode()
    assert waiting.status_code == 200 and "being prepared" in page
    assert '<meta http-equiv="refresh"' in page
    assert queued == [(alpha.schema_name, "invoice", item.pk)] and renders == []
    render_document_pdf.apply(queued[0])  # the worker
    assert "Training" in downloaded(owner_client.get(url))


def test_the_panel_and_the_pay_page_link_to_the_pdf_and_the_client_gets_it_by_its_link(
    alpha, owner_client
):
    item = quebec_document(alpha)
    with schema_context(alpha.schema_name):
        token = new_link(item)
    assert (
        f"/billing/requests/{item.pk}/pdf/"
        in owner_client.get(f"/billing/?open={item.pk}").content.decode()
    )
    visitor = client_on(alpha)
    assert f"/pay/{token}/pdf/" in visitor.get(f"/pay/{token}/").content.decode()

    assert "Total CA$258.45" in downloaded(visitor.get(f"/pay/{token}/pdf/"))


def test_no_one_else_gets_the_pdf(alpha, beta, owner_client):
    item = quebec_document(alpha)
    with schema_context(alpha.schema_name):
        token = new_link(item)
    beta_owner = client_on(beta, owner_of(beta))

    assert beta_owner.get(f"/billing/requests/{item.pk}/pdf/").status_code == 404
    assert client_on(beta).get(f"/pay/{token}/pdf/").status_code == 404
    assert client_on(alpha).get(f"/pay/{token[:-2]}xx/pdf/").status_code == 404
    signed_out = client_on(alpha).get(f"/billing/requests/{item.pk}/pdf/")
    assert signed_out.status_code == 302 and "/pdf" not in signed_out.get("Content-Type", "")
    with schema_context(alpha.schema_name):
        item.links.update(revoked_at=item.created_at)  # canceled: the link opens nothing
    assert client_on(alpha).get(f"/pay/{token}/pdf/").status_code == 404


def test_settings_page_keeps_the_address_tax_numbers_and_the_attach_choice(alpha, owner_client):
    response = owner_client.post(
        "/billing/settings/",
        {
            "remind_before_days": "3",
            "remind_after_days": "1,7",
            "time_zone": "America/Toronto",
            "brand_color": "#0f766e",
            "address": "1 Main St\nToronto",
            "tax_ids": "HST 987654321",
            "attach_pdf": "on",
        },
    )
    assert response.status_code == 302
    with schema_context(alpha.schema_name):
        saved = BillingSettings.current()
    assert (saved.address, saved.tax_ids, saved.attach_pdf) == (
        "1 Main St\nToronto", "HST 987654321", True,
    )  # fmt: skip


def test_the_emailed_pdf_carries_that_emails_pay_link(alpha):
    item = quebec_document(alpha)
    with schema_context(alpha.schema_name):
        PaymentRequest.objects.filter(pk=item.pk).update(status=PaymentRequest.Status.SENT)
        item.refresh_from_db()
        filename, data = attachment_pdf(item, f"http://{alpha.host}/pay/the-token/")

    text = pdf_text(data)
    assert filename == f"draft-{item.pk}.pdf"
    assert f"http://{alpha.host}/pay/the-token/" in text.replace("\n", "")
    assert "Total CA$258.45" in text


def test_the_request_email_carries_the_invoice_pdf_when_the_account_chooses_so(
    alpha_billing, alpha, mailoutbox, twilio_platform, django_capture_on_commit_callbacks
):
    from notifications.models import Message
    from payment_requests.tests.conftest import link_from, make_client, make_request, send

    make_client(alpha)
    plain = send(alpha, make_request(alpha).pk, django_capture_on_commit_callbacks)
    with schema_context(alpha.schema_name):
        BillingSettings.objects.update(attach_pdf=True)
    attached = send(alpha, make_request(alpha).pk, django_capture_on_commit_callbacks)

    first, second = mailoutbox
    assert first.attachments == []
    ((filename, data, mimetype),) = second.attachments
    assert mimetype == "application/pdf" and filename.endswith(".pdf")
    text = pdf_text(data)
    assert attached.number in text and plain.number not in text
    assert link_from(second) in text.replace("\n", "")  # that email's own pay link
    with schema_context(alpha.schema_name):
        assert Message.objects.get(document_id=attached.pk).content == ""  # not kept once sent
