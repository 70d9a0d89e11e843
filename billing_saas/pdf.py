"""Documents printed to PDF (invoices now, quotes later): a Django template rendered to HTML in
the reader's language and the account's time zone, then laid out by WeasyPrint.

What a PDF may load is closed: the HTML is built from clients' and accounts' text (hostile
input), and WeasyPrint would otherwise follow any ``<img>``, stylesheet or ``url()`` to the
network or the disk (``http://169.254.169.254/…``, ``file:///etc/passwd``). ``OnlyOwnFiles``
serves the few files the caller names (the account's logo, read from storage) under a
``pdf-file:`` address of our own and refuses every other URL, so rendering never leaves the
process. The CSS is inline in the template for the same reason.
"""

from __future__ import annotations

import functools
import logging
import mimetypes
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation

# WeasyPrint logs each step of every page at INFO (its own stylesheet's, as it is imported):
# a worker's log, or a command's output, is no place for that.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402 - after its logger is quietened
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

from billing_saas import languages  # noqa: E402

# The address scheme of the files a document may show; nothing else is ever fetched.
SCHEME = "pdf-file:"
IMAGE_TYPES = frozenset({"image/png", "image/jpeg"})


class RemoteFetchRefused(ValueError):
    """A document asked for a URL that is not one of its own files."""


@dataclass(frozen=True)
class Printable:
    """What to print: a template, its context, the reader's language, the account's time zone,
    and the storage names of the files it may show (``{"logo": "tenants/<schema>/…png"}``,
    referred to in the template as ``pdf-file:logo``)."""

    template: str
    context: Mapping
    language: str
    time_zone: str = ""
    files: Mapping[str, str] = field(default_factory=dict)


def file_url(key: str) -> str:
    """The address of one of the document's own files, for the template."""
    return f"{SCHEME}{key}"


def render_html(printable: Printable) -> str:
    """The document's HTML, as WeasyPrint will lay it out: what a version is a hash of."""
    language = languages.supported(printable.language) or languages.account_language()
    with timezone.override(_zone(printable.time_zone)), translation.override(language):
        return render_to_string(
            printable.template,
            {**printable.context, "LANGUAGE_CODE": language, "file_url": file_url},
        )


def render_pdf(printable: Printable, html: str | None = None) -> bytes:
    """The document as PDF bytes (``html``: its ``render_html``, when the caller has it)."""
    html = render_html(printable) if html is None else html
    fetcher = OnlyOwnFiles(printable.files)
    # No base URL: a relative address resolves to nothing rather than to the working folder.
    document = HTML(string=html, base_url=None, url_fetcher=fetcher)
    return document.write_pdf(font_config=_fonts())


@functools.cache
def _fonts():
    """The system's fonts, looked up once per process (documents declare no @font-face)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _zone(name: str):
    try:
        return zoneinfo.ZoneInfo(name) if name else timezone.get_current_timezone()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


class OnlyOwnFiles(URLFetcher):
    """WeasyPrint's fetcher, allowed only the document's own files (PNG or JPEG from storage).

    Every refusal is an exception WeasyPrint logs and renders past (an image left out), so a
    hostile address costs the client nothing but the image. ``refused`` keeps them, for tests
    and logs."""

    def __init__(self, files: Mapping[str, str]):
        super().__init__(allowed_protocols=(), allow_redirects=False, timeout=1)
        self.files = dict(files)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        name = self.files.get(url[len(SCHEME) :]) if url.startswith(SCHEME) else None
        content_type = mimetypes.guess_type(name or "")[0]
        if not name or content_type not in IMAGE_TYPES:
            self.refused.append(url)
            raise RemoteFetchRefused(f"not one of the document's own files: {url[:200]}")
        with default_storage.open(name, "rb") as handle:
            body = handle.read()
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    def open(self, url, data=None, timeout=None):
        # The parent class is a urllib opener: never let it open anything by that door.
        raise RemoteFetchRefused("documents open no URL")
