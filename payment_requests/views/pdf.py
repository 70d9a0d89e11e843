"""A document's PDF, for the team (the side panel, the dashboard) and, through
``public_views``, for the client: the stored file of its current version, or a page that
waits for the worker to print it (``services/pdfs.py``)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from payment_requests.access import billing_access_required
from payment_requests.services import pdfs

# Seconds between two looks of the waiting page: a one-page PDF takes well under one.
ASK_AGAIN_AFTER = 2


@billing_access_required
@never_cache
@require_GET
def request_pdf(request, pk):
    return document_pdf(request, "invoice", pk, layout="layouts/app.html")


def document_pdf(request, kind: str, pk: int, *, layout: str):
    """The PDF of the ``kind`` document ``pk`` of the active account (another account's id
    finds nothing in this schema: 404)."""
    version, stored = pdfs.ready_or_queued(kind, pk)
    if version is None:
        raise Http404
    handle = None
    if stored is not None:
        try:
            handle = stored.file.open("rb")
        except FileNotFoundError:  # replaced by a newer version meanwhile: wait for that one
            handle = None
    if handle is None:
        return render(
            request,
            "payment_requests/pdf_preparing.html",
            {"layout": layout, "filename": version.printed.filename, "seconds": ASK_AGAIN_AFTER},
        )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=version.printed.filename,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
