"""Attachment checks: every uploaded file is hostile until its name, size and type pass."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Extension → (content type we serve it as, leading bytes it must start with, if any).
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".webp": ("image/webp", (b"RIFF",)),
    ".txt": ("text/plain", ()),
    ".csv": ("text/csv", ()),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
}


def check_upload(upload) -> str:
    """Returns the content type to store; raises ValidationError with a clear message."""
    name = upload.name or ""
    if (
        not name
        or "/" in name
        or "\\" in name
        or ".." in name
        or name.startswith(".")
        or any(ord(ch) < 32 for ch in name)
        or len(name) > 200
    ):
        raise ValidationError(_("“%(name)s” is not an acceptable file name.") % {"name": name[:80]})
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in ALLOWED:
        raise ValidationError(
            _("“%(name)s”: only PDF, images, text, CSV, Word and Excel files can be attached.")
            % {"name": name}
        )
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s MB.")
            % {"name": name, "limit": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name})
    content_type, signatures = ALLOWED[suffix]
    head = upload.read(16)
    upload.seek(0)
    if signatures and not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            _("“%(name)s” is not really a %(kind)s file.")
            % {"name": name, "kind": suffix[1:].upper()}
        )
    if not signatures and b"\x00" in upload.read(4096):
        upload.seek(0)
        raise ValidationError(_("“%(name)s” is not a text file.") % {"name": name})
    upload.seek(0)
    return content_type
