"""The links clients get to their quote: one per quote and recipient, only their hash
stored (like pay links, ``payment_requests/services/links.py``)."""

from __future__ import annotations

import secrets

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from payment_requests.services.common import current_tenant
from payment_requests.services.links import hash_token
from quotes.models import Quote, QuoteLink
from tenants.urls_helpers import account_url

MAX_TOKEN = 100  # longer is no token of ours: not even hashed


def new_link(quote: Quote, recipient: str) -> str:
    token = secrets.token_urlsafe(32)  # 256 bits; only its hash is stored
    QuoteLink.objects.create(quote=quote, recipient=recipient, token_hash=hash_token(token))
    return token


def link_url(token: str, request_host=None) -> str:
    return account_url(current_tenant(), reverse("quotes:public", args=[token]), request_host)


def find(token: str) -> QuoteLink | None:
    """The link of this token, revoked or not; ``None`` for anything else."""
    if not token or len(token) > MAX_TOKEN:
        return None
    return (
        QuoteLink.objects.select_related("quote__client", "quote__invoice")
        .prefetch_related("quote__lines__applied_taxes")
        .filter(token_hash=hash_token(token))
        .first()
    )


def record_view(link: QuoteLink) -> None:
    now = timezone.now()
    QuoteLink.objects.filter(pk=link.pk).update(
        views=F("views") + 1, first_viewed_at=link.first_viewed_at or now
    )


def revoke_links(quote: Quote) -> None:
    quote.links.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
