"""Webhook endpoints on the root domain, one per platform and mode."""

from __future__ import annotations

import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from connectors import inbox
from connectors.base import WebhookRejected

log = logging.getLogger(__name__)
MAX_WEBHOOK_BYTES = 512 * 1024


@csrf_exempt
@require_POST
def stripe_webhook(request, mode):
    return _receive(request, "stripe", mode)


@csrf_exempt
@require_POST
def quickbooks_webhook(request):
    from connectors.quickbooks.app import current_mode

    return _receive(request, "quickbooks", current_mode())


def _receive(request, platform: str, mode: str):
    if mode not in ("test", "live"):
        return JsonResponse({"error": "unknown endpoint"}, status=404)
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_WEBHOOK_BYTES:
        return JsonResponse({"error": "payload too large"}, status=413)
    body = request.body
    try:
        stored = inbox.receive_webhook(platform, mode, body, request.headers)
    except WebhookRejected as rejected:
        log.warning("%s %s webhook rejected: %s", platform, mode, rejected)
        return JsonResponse({"error": "invalid signature or payload"}, status=400)
    return JsonResponse({"received": True, "new": stored})
