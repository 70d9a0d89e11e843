"""The PDFs of the account's documents, one file per printed version (``services/pdfs.py``).
Imported by ``models.py``."""

from __future__ import annotations

from django.db import models


class DocumentPdf(models.Model):
    """A document's PDF as it was printed: ``version`` is the hash of the HTML that was laid
    out, so any change the reader would see (a line, a payment, the status, the language)
    makes a new version, and anything else (a view counted) reuses the file.

    ``kind`` names the document type (``invoice`` now, ``quote`` later) and ``document_id``
    its row: one table for every printable document, in the account's own schema."""

    kind = models.CharField(max_length=20)
    document_id = models.BigIntegerField()
    version = models.CharField(max_length=64)
    # Under tenants/<schema>/pdfs/, never served by a public media URL.
    file = models.FileField(max_length=300)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "document_id", "version"], name="one_pdf_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id} ({self.version[:12]})"
