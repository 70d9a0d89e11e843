"""Uploads refused while they stream in, before an oversize file reaches the disk.

``AttachmentLimitHandler`` comes first in FILE_UPLOAD_HANDLERS and sees every chunk before the
handlers that store it. Once a file passes ATTACHMENT_MAX_BYTES it is dropped on the spot:
the storing handlers have received at most the limit plus one chunk, and Django closes (so
deletes) their partial file. The form still hears of it: it gets a ``RefusedUpload`` (empty,
carrying the size seen) that ``check_upload`` refuses with its usual "larger than 10 MB".

A body larger than every allowed file together plus the form's fields (from its
Content-Length, or counted as the files arrive) is not parsed past the first refused file;
the rest is read and thrown away, so that the browser still receives the form's answer.
The proxy in front of production refuses far larger bodies before they reach us (README).
"""

from __future__ import annotations

from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.http.multipartparser import MultiPartParser


def files_limit() -> int:
    """The most file bytes one form may carry."""
    return settings.ATTACHMENT_MAX_FILES * settings.ATTACHMENT_MAX_BYTES


def body_limit() -> int:
    """The largest body we parse to the end: the files plus the form's other fields."""
    return files_limit() + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class RefusedUpload(UploadedFile):
    """Stands in for a file dropped while streaming: no content, the size seen so far."""

    def __init__(self, name: str, size: int):
        super().__init__(BytesIO(), name=name, content_type="application/octet-stream", size=size)


class AttachmentLimitHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.refused: list[tuple[str, RefusedUpload]] = []
        self.parsing = False
        self.body_too_large = False
        self.file_bytes = 0
        self.total_bytes = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        """Parse as Django would, then add a ``RefusedUpload`` for each file dropped: the
        parser itself keeps nothing of a file whose upload a handler stopped."""
        if self.parsing or self.request is None:
            return None
        self.parsing = True
        self.body_too_large = content_length > body_limit()
        parser = MultiPartParser(META, input_data, self.request.upload_handlers, encoding)
        post, files = parser.parse()
        for field_name, upload in self.refused:
            files.appendlist(field_name, upload)
        return post, files

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file_bytes = 0

    def receive_data_chunk(self, raw_data, start):
        self.file_bytes += len(raw_data)
        self.total_bytes += len(raw_data)
        too_many_bytes = self.total_bytes > files_limit()
        if self.file_bytes > settings.ATTACHMENT_MAX_BYTES or too_many_bytes:
            self.refused.append((self.field_name, RefusedUpload(self.file_name, self.file_bytes)))
            if self.body_too_large or too_many_bytes:
                raise StopUpload(connection_reset=False)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers store the file
