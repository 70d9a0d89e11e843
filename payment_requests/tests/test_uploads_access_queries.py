"""Attachments are checked and stay in their account; access is shared; lists scale."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, make_member, owner_of
from clients.models import Client
from payment_requests.models import Attachment, PaymentRequest
from payment_requests.tests.conftest import make_client
from payment_requests.uploads import check_upload
from tenants.members.models import Role

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def form(client_pk, **extra):
    return {
        "kind": "invoice",
        "description": "Audit",
        "client": client_pk,
        "amount": "80",
        "currency": "EUR",
        "billing_type": "invoice",
        "action": "save",
        "due_date": (timezone.localdate() + timedelta(days=9)).isoformat(),
        **extra,
    }


def test_a_valid_pdf_is_stored_in_the_accounts_folder_under_a_random_name(alpha, owner_client):
    client = make_client(alpha)
    upload = SimpleUploadedFile("quote.pdf", PDF, content_type="application/pdf")
    response = owner_client.post("/billing/requests/new/", form(client.pk, attachments=[upload]))
    assert response.status_code == 302
    with schema_context(alpha.schema_name):
        stored = Attachment.objects.get()
    assert stored.original_name == "quote.pdf" and stored.content_type == "application/pdf"
    assert stored.file.name.startswith(f"tenants/{alpha.schema_name}/attachments/")
    assert "quote" not in stored.file.name
    download = owner_client.get(f"/billing/requests/{stored.request_id}/files/{stored.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00", "can be attached"),
        ("invoice.pdf", b"MZ\x90\x00 not a pdf", "is not really a PDF"),
        ("notes.txt", b"", "is empty"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_created(alpha, owner_client, name, content, message):
    client = make_client(alpha)
    upload = SimpleUploadedFile(name, content)
    page = owner_client.post("/billing/requests/new/", form(client.pk, attachments=[upload]))
    assert page.status_code == 200 and message in page.content.decode()
    with schema_context(alpha.schema_name):
        assert not PaymentRequest.objects.exists() and not Attachment.objects.exists()


def test_an_oversized_file_is_refused(alpha, owner_client, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    client = make_client(alpha)
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)
    page = owner_client.post("/billing/requests/new/", form(client.pk, attachments=[upload]))
    assert "larger than" in page.content.decode()
    with schema_context(alpha.schema_name):
        assert not Attachment.objects.exists()


@pytest.mark.parametrize("name", [".htaccess.pdf", "..pdf", "a\x00b.pdf", "x" * 300 + ".pdf"])
def test_hostile_names_are_refused(name):
    upload = SimpleUploadedFile("placeholder.pdf", PDF)
    upload._name = name  # as if it reached us unsanitised
    with pytest.raises(ValidationError):
        check_upload(upload)


def test_a_path_traversal_name_never_leaves_the_accounts_folder(alpha, owner_client):
    client = make_client(alpha)
    boundary = "BoUnDaRy"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        for key, value in form(client.pk).items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
        'filename="../../../etc/passwd.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    )
    body = "".join(parts).encode() + PDF + f"\r\n--{boundary}--\r\n".encode()
    response = owner_client.generic(
        "POST",
        "/billing/requests/new/",
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 302
    with schema_context(alpha.schema_name):
        stored = Attachment.objects.get()
    assert stored.original_name == "passwd.pdf"
    assert stored.file.name.startswith(f"tenants/{alpha.schema_name}/attachments/")
    assert ".." not in stored.file.name


def test_another_accounts_attachment_is_not_found(alpha, beta, owner_client):
    client = make_client(alpha)
    owner_client.post(
        "/billing/requests/new/",
        form(client.pk, attachments=[SimpleUploadedFile("quote.pdf", PDF)]),
    )
    with schema_context(alpha.schema_name):
        stored = Attachment.objects.get()
    url = f"/billing/requests/{stored.request_id}/files/{stored.pk}/"
    assert client_on(beta, owner_of(beta)).get(url).status_code == 404
    assert client_on(alpha).get(url).status_code == 302  # anonymous: to the sign-in page
    assert client_on(alpha).get("/pay/not-a-token/files/1/").status_code == 404


def test_employees_need_access_which_can_be_shared_and_removed(alpha, owner_client):
    employee = make_member(alpha, "emma@alpha.example", Role.EMPLOYEE, full_name="Emma Emp")
    emma = client_on(alpha, employee)
    urls = ["/billing/", "/billing/clients/", "/billing/requests/new/", "/billing/access/"]
    assert [emma.get(url).status_code for url in urls] == [403] * 4
    assert "Client Billing" not in emma.get("/").content.decode()

    owner_client.post("/billing/access/", {"user": employee.pk, "grant": "yes"})
    assert [emma.get(url).status_code for url in urls] == [200] * 4
    assert "Client Billing" in emma.get("/").content.decode()

    emma.post("/billing/access/", {"user": employee.pk, "grant": "no"})  # shared, then removed
    assert [emma.get(url).status_code for url in urls] == [403] * 4


def seed(tenant, count):
    with schema_context(tenant.schema_name):
        owner = owner_of(tenant)
        clients = Client.objects.bulk_create(
            Client(name=f"Client {n}", email=f"c{n}@x.test", company="Co") for n in range(count)
        )
        PaymentRequest.objects.bulk_create(
            PaymentRequest(
                description=f"Job {n}",
                client=clients[n],
                amount=Decimal("10"),
                currency="EUR",
                due_date=timezone.localdate(),
                created_by=owner,
                status="sent" if n % 2 else "draft",
            )
            for n in range(count)
        )


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/billing/", "/billing/clients/", "/billing/?status=sent"])
def test_lists_run_the_same_number_of_queries_for_10_or_500_rows(alpha, beta, url):
    seed(alpha, 10)
    seed(beta, 500)
    small = queries_for(client_on(alpha, owner_of(alpha)), url)
    large = queries_for(client_on(beta, owner_of(beta)), url)
    assert small == large
