"""A PDF loads nothing but the account's own logo: client and account text is hostile input,
and WeasyPrint would otherwise follow any address to the network or the disk."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tenants.utils import schema_context
from PIL import Image
from pypdf import PdfReader

from billing_saas import pdf as engine
from clients.models import Client
from payment_requests.models import BillingSettings
from payment_requests.tests.test_document_lines_sent import quebec_document


@pytest.fixture
def listener():
    """A web server on this machine that records every request it gets."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server name
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(png())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (15, 118, 110)).save(out, "PNG")
    return out.getvalue()


def images_in(data: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(data)).pages)


def test_the_fetcher_refuses_every_address_but_the_documents_own_files():
    fetcher = engine.OnlyOwnFiles({"logo": "tenants/t_alpha/branding/logo.png"})
    for url in (
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/logo.png",
        "file:///etc/passwd",
        "data:image/png;base64,iVBORw0KGgo=",
        "pdf-file:other",
    ):
        with pytest.raises(engine.RemoteFetchRefused):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 5


def test_hostile_addresses_in_a_page_are_never_fetched(listener):
    base, hits = listener
    hostile = f"""<html><head><link rel="stylesheet" href="{base}/style.css">
      <style>@import url("{base}/import.css"); body {{ background: url({base}/bg.png) }}</style>
      </head><body><img src="{base}/img.png"><img src="file:///etc/passwd">
      <img src="http://169.254.169.254/latest/meta-data/">Text</body></html>"""
    printable = engine.Printable("unused.html", {}, language="en")

    data = engine.render_pdf(printable, hostile)

    assert data.startswith(b"%PDF-") and images_in(data) == 0
    assert hits == []


def test_the_invoice_shows_the_accounts_logo_and_nothing_from_its_clients_text(
    alpha, owner_client, listener
):
    base, hits = listener
    item = quebec_document(alpha)
    with schema_context(alpha.schema_name):
        name = default_storage.save(
            f"tenants/{alpha.schema_name}/branding/logo-test.png", ContentFile(png())
        )
        BillingSettings.objects.create(logo=name, brand_color="#0f766e")
        Client.objects.filter(pk=item.client_id).update(
            name=f'<img src="{base}/name.png">', address=f"<link rel=stylesheet href={base}/a>"
        )

    response = owner_client.get(f"/billing/requests/{item.pk}/pdf/")

    data = b"".join(response.streaming_content)
    assert images_in(data) == 1 and hits == []


def test_a_logo_row_naming_a_remote_address_or_another_folder_is_not_fetched(
    alpha, owner_client, listener
):
    base, hits = listener
    item = quebec_document(alpha)
    for logo in (f"{base}/logo.png", "http://169.254.169.254/logo.png",
                 "tenants/t_beta/branding/logo.png", "../../etc/logo.png"):  # fmt: skip
        with schema_context(alpha.schema_name):
            BillingSettings.objects.update_or_create(pk=1, defaults={"logo": logo})
        response = owner_client.get(f"/billing/requests/{item.pk}/pdf/")
        assert response.status_code == 200
        assert images_in(b"".join(response.streaming_content)) == 0
    assert hits == []
