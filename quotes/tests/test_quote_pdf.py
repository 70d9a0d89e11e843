"""The quote's PDF, read back: the account, the client, its lines, taxes, total and validity,
and how to approve it; for the team, and for the holder of the client's link."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from quotes.tests.conftest import quebec_quote


def downloaded(response) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[\u00a0\u202f]", " ", text)


def test_the_pdf_holds_the_lines_taxes_total_and_validity(alpha, owner_client):
    quote = quebec_quote(alpha, title="Website refresh", notes="Work starts on approval.")

    text = downloaded(owner_client.get(f"/billing/quotes/{quote.pk}/pdf/"))

    for shown in (
        "Alpha Studio", "Quote", "DRAFT", "Website refresh", "Ana Client", "PREPARED FOR",
        "Design work 1.5 CA$80.00 GST 5%, QST 9.975% CA$120.00",
        "Hosting 3 CA$25.00 CA$5.00 GST 5%, QST 9.975% CA$70.00",
        "Training 1 CA$40.00 CA$40.00",
        "Subtotal CA$230.00", "GST (5%) CA$9.50", "QST (9.975%) CA$18.95", "Total CA$258.45",
        "Valid until", "Approve online", "Work starts on approval.",
    ):  # fmt: skip
        assert shown in text, shown


def test_an_employee_without_billing_access_gets_no_pdf(alpha):
    from billing_saas.testing.fixtures import client_on, make_member

    quote = quebec_quote(alpha)
    employee = make_member(alpha, "emma@alpha.example")
    response = client_on(alpha, employee).get(f"/billing/quotes/{quote.pk}/pdf/")
    assert response.status_code in (302, 403)
