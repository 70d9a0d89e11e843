"""An oversize attachment is refused while it streams in: never written out whole, and the
form says why instead of an error page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django_tenants.utils import schema_context

from billing_saas.upload_limits import AttachmentLimitHandler
from payment_requests.models import Attachment, PaymentRequest
from payment_requests.tests.conftest import make_client
from payment_requests.tests.test_uploads_access_queries import PDF, form

MB = 1024 * 1024
CHUNK = TemporaryFileUploadHandler.chunk_size
seen = {"stored": 0, "counted": 0, "temp_files": []}


class CountingLimitHandler(AttachmentLimitHandler):
    def receive_data_chunk(self, raw_data, start):
        seen["counted"] += len(raw_data)
        return super().receive_data_chunk(raw_data, start)


class RecordingTemporaryHandler(TemporaryFileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        seen["temp_files"].append(self.file.temporary_file_path())

    def receive_data_chunk(self, raw_data, start):
        seen["stored"] = max(seen["stored"], start + len(raw_data))
        return super().receive_data_chunk(raw_data, start)


@pytest.fixture(autouse=True)
def spied_handlers(settings):
    settings.ATTACHMENT_MAX_BYTES = 1 * MB
    settings.FILE_UPLOAD_HANDLERS = [
        f"{__name__}.CountingLimitHandler",
        f"{__name__}.RecordingTemporaryHandler",
    ]
    seen.update(stored=0, counted=0, temp_files=[])


def post_with(owner_client, client_pk, *uploads):
    # The file comes first: what follows it in the body must still reach the form.
    data = {"attachments": list(uploads), **form(client_pk, description="Audit of May")}
    return owner_client.post("/billing/requests/new/", data)


def nothing_saved(tenant) -> bool:
    with schema_context(tenant.schema_name):
        return not PaymentRequest.objects.exists() and not Attachment.objects.exists()


def test_a_file_over_the_limit_stops_being_stored_and_the_form_says_why(alpha, owner_client):
    client = make_client(alpha)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (2 * MB))

    page = post_with(owner_client, client.pk, big)

    assert page.status_code == 200
    assert "“big.pdf” is larger than 1 MB." in page.content.decode()
    assert 'value="Audit of May"' in page.content.decode()  # fields after the file kept
    assert seen["stored"] <= MB + CHUNK
    assert not any(Path(path).exists() for path in seen["temp_files"])
    assert nothing_saved(alpha)


def test_a_body_larger_than_all_files_allowed_is_not_read_past_the_first_refusal(
    alpha, owner_client, settings
):
    client = make_client(alpha)
    body_limit = 5 * MB + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    huge = SimpleUploadedFile("huge.pdf", PDF + b"0" * (body_limit + MB))

    page = post_with(owner_client, client.pk, huge)

    assert page.status_code == 200
    assert "“huge.pdf” is larger than 1 MB." in page.content.decode()
    assert seen["counted"] <= MB + CHUNK
    assert seen["stored"] <= MB + CHUNK
    assert not any(Path(path).exists() for path in seen["temp_files"])
    assert nothing_saved(alpha)


def test_files_within_the_limit_are_stored_whole(alpha, owner_client):
    client = make_client(alpha)
    upload = SimpleUploadedFile("quote.pdf", PDF + b"0" * (MB // 2))

    response = post_with(owner_client, client.pk, upload)

    assert response.status_code == 302
    with schema_context(alpha.schema_name):
        assert Attachment.objects.get().size == len(PDF) + MB // 2
