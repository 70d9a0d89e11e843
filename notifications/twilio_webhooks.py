"""``/webhooks/twilio/inbound/`` on the root domain: messages clients text to our sender."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from billing_saas.input_guard import is_storable
from notifications.sms_inbound import keyword_received

log = logging.getLogger(__name__)
# An empty TwiML answer: Twilio sends its own STOP/START confirmation, we add nothing.
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@csrf_exempt
@require_POST
def inbound_sms(request):
    # csrf_exempt: the input guard leaves the form to us (webhooks usually parse raw bodies).
    fields = [text for pair in request.POST.lists() for text in (pair[0], *pair[1])]
    if not all(is_storable(text) for text in fields):
        return HttpResponseBadRequest("unstorable characters")
    if not _signed_by_twilio(request):
        log.warning("inbound SMS webhook refused: bad or missing X-Twilio-Signature")
        return HttpResponseForbidden("invalid signature")
    post = request.POST
    keyword_received(
        post.get("MessageSid", ""), post.get("From", ""), post.get("To", ""), post.get("Body", "")
    )
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


def _signed_by_twilio(request) -> bool:
    """Twilio signs the full URL it posted to and every form field with our auth token."""
    signature = request.headers.get("X-Twilio-Signature", "")
    if not settings.TWILIO_AUTH_TOKEN or not signature:
        return False
    validator = RequestValidator(settings.TWILIO_AUTH_TOKEN)
    return validator.validate(request.build_absolute_uri(), request.POST, signature)
