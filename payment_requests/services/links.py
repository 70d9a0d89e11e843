"""The emailed pay links: one per request and recipient, only their hash stored."""

from __future__ import annotations

import hashlib
import secrets

from django.urls import reverse
from django.utils import timezone

from payment_requests.models import PaymentRequest, RequestLink
from payment_requests.services.common import current_tenant
from tenants.urls_helpers import account_url


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_link(request: PaymentRequest) -> str:
    token = secrets.token_urlsafe(32)  # 256 bits; only its hash is stored
    RequestLink.objects.create(
        request=request, recipient=request.client.email, token_hash=hash_token(token)
    )
    return token


def link_url(request: PaymentRequest, token: str, request_host=None) -> str:
    return account_url(
        current_tenant(), reverse("payment_requests:public_link", args=[token]), request_host
    )


def revoke_links(request: PaymentRequest) -> None:
    request.links.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
