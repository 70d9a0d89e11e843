"""Documents' PDFs, rendered by the worker and kept per printed version.

A document's version is the hash of the HTML it prints to (``billing_saas/pdf.py`` lays that
HTML out): a download renders the HTML (cheap), and serves the stored PDF of that version if
there is one. Otherwise it queues ``render_document_pdf`` (at most once a minute per version)
and the page asks again; a broker that cannot be reached makes the web process render it
itself, as the emails do, rather than leave the reader waiting for a worker that will never
come. ``store`` keeps one row per version (a unique constraint: two workers rendering the same
version keep one) and forgets older versions' files once the new one is committed.

Each kind of document registers how it is printed in ``KINDS``: ``invoice`` here; quotes will
add ``quote`` with their own template on the same print layout.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db import connection as db

from billing_saas import pdf as engine
from payment_requests.models import DocumentPdf
from tenants.schema import on_commit_here

log = logging.getLogger(__name__)

# Bumped when the engine itself changes how the same HTML is laid out (fonts, WeasyPrint).
LAYOUT = "1"
QUEUED_FOR = 60  # seconds: a version queued this recently is not queued again


@dataclass(frozen=True)
class Printed:
    """A document ready to print: what to render, and the file name the reader gets."""

    printable: engine.Printable
    filename: str


def _invoice(pk: int) -> Printed | None:
    from payment_requests.services.invoice_pdf import printed

    return printed(pk)


# kind → the document of that kind with this id, printed (``None``: no such document here).
KINDS: dict[str, Callable[[int], Printed | None]] = {"invoice": _invoice}


@dataclass(frozen=True)
class Version:
    kind: str
    document_id: int
    printed: Printed
    html: str
    version: str


def current_version(kind: str, pk: int) -> Version | None:
    printed = KINDS[kind](pk)
    if printed is None:
        return None
    html = engine.render_html(printed.printable)
    digest = hashlib.sha256()
    for part in (LAYOUT, html, *sorted(printed.printable.files.items())):
        digest.update(repr(part).encode())
    return Version(kind, pk, printed, html, digest.hexdigest())


def stored(version: Version) -> DocumentPdf | None:
    found = DocumentPdf.objects.filter(
        kind=version.kind, document_id=version.document_id, version=version.version
    ).first()
    if found is not None and not found.file.name.startswith(_folder()):
        log.error("PDF %s is outside its account's folder; not served", found.pk)
        return None
    return found


def ready_or_queued(kind: str, pk: int) -> tuple[Version | None, DocumentPdf | None]:
    """The document's current version and its PDF if stored; else the PDF is queued for the
    worker and the second value is ``None`` (unless a worker answered at once)."""
    version = current_version(kind, pk)
    if version is None:
        return None, None
    found = stored(version)
    if found is None:
        queue(version)
        found = stored(version)
    return version, found


def queue(version: Version) -> None:
    from payment_requests.tasks import render_document_pdf

    key = f"pdf-queued:{db.schema_name}:{version.kind}:{version.document_id}:{version.version}"
    if not cache.add(key, 1, QUEUED_FOR):
        return
    try:
        render_document_pdf.delay(db.schema_name, version.kind, version.document_id)
    except Exception:  # noqa: BLE001 - any failure to queue: render here instead
        log.warning("could not queue the PDF of %s %s; rendering now", version.kind,
                    version.document_id)  # fmt: skip
        cache.delete(key)
        render(version.kind, version.document_id)


def render(kind: str, pk: int) -> DocumentPdf | None:
    """The worker's job: the document's current version, rendered and stored once."""
    version = current_version(kind, pk)
    if version is None:
        return None
    return stored(version) or store(version, engine.render_pdf(version.printed.printable,
                                                               version.html))  # fmt: skip


def store(version: Version, data: bytes) -> DocumentPdf:
    name = default_storage.save(_path(version), ContentFile(data))
    try:
        with transaction.atomic():
            pdf = DocumentPdf.objects.create(
                kind=version.kind,
                document_id=version.document_id,
                version=version.version,
                file=name,
                size=len(data),
            )
    except IntegrityError:  # another worker stored this version first: keep theirs
        default_storage.delete(name)
        return DocumentPdf.objects.get(
            kind=version.kind, document_id=version.document_id, version=version.version
        )
    on_commit_here(lambda: _forget_older(pdf))
    return pdf


def pdf_bytes(printed: Printed) -> bytes:
    """A PDF rendered now and not kept: one that carries a reader's own link (an email's
    attachment), which is no file to leave in storage."""
    return engine.render_pdf(printed.printable)


def _forget_older(pdf: DocumentPdf) -> None:
    older = DocumentPdf.objects.filter(kind=pdf.kind, document_id=pdf.document_id).exclude(
        pk=pdf.pk
    )
    for old in older:
        if old.file.name.startswith(_folder()):
            default_storage.delete(old.file.name)
        old.delete()


def _folder() -> str:
    return f"tenants/{db.schema_name}/pdfs/"


def _path(version: Version) -> str:
    kind = re.sub(r"[^a-z]", "", version.kind)
    return f"{_folder()}{kind}-{version.document_id}-{version.version[:16]}.pdf"


def safe_filename(text: str) -> str:
    """``INV-00012.pdf``: letters, digits, dots and dashes only, for a Content-Disposition."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:80] or "document"
