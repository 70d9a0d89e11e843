"""What Twilio posts to the app, each verified by its ``X-Twilio-Signature``:

- ``/webhooks/twilio/inbound/`` on the root domain: messages clients text to our sender;
- ``/webhooks/twilio/inbound/`` on an account's host: messages texted to the account's own
  Twilio number (signed with its own token; its clients only);
- ``/webhooks/twilio/messages/<pk>/status/`` on an account's host: what became of one of its
  messages (``delivery.apply_report``).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from billing_saas.input_guard import is_storable
from notifications import delivery, sms
from notifications.models import Message
from notifications.sms_inbound import keyword_for_this_account, keyword_received

log = logging.getLogger(__name__)
# An empty TwiML answer: Twilio sends its own STOP/START confirmation, we add nothing.
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
# Twilio's message statuses, as ours; the others (queued, accepted, sending) change nothing.
REPORTED = {
    "sent": Message.Status.SENT,
    "delivered": Message.Status.DELIVERED,
    "undelivered": Message.Status.BOUNCED,
    "failed": Message.Status.FAILED,
}
# What Twilio's most frequent delivery errors mean, for the person reading the request.
DELIVERY_ERRORS = {
    30003: gettext_lazy("the phone is off or out of reach"),
    30004: gettext_lazy("the recipient blocks messages from this sender"),
    30005: gettext_lazy("the number does not exist"),
    30006: gettext_lazy("the number is a landline or its carrier cannot take SMS"),
    30007: gettext_lazy("the carrier filtered the message"),
    30008: gettext_lazy("the carrier did not say why"),
}


@csrf_exempt
@require_POST
def inbound_sms(request):
    refused = _refusal(request, settings.TWILIO_AUTH_TOKEN)
    if refused:
        return refused
    post = request.POST
    keyword_received(
        post.get("MessageSid", ""), post.get("From", ""), post.get("To", ""), post.get("Body", "")
    )
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


@csrf_exempt
@require_POST
def account_inbound_sms(request):
    """STOP/START texted to the account's own number: only its own Twilio account signs
    these (the product's shared number has the root domain's webhook, for every account)."""
    account_sid = request.POST.get("AccountSid", "")
    product = sms.product_account()
    own = product is None or account_sid != product.account_sid
    refused = _refusal(request, sms.auth_token_for(account_sid) if own else None)
    if refused:
        return refused
    post = request.POST
    keyword_for_this_account(post.get("MessageSid", ""), post.get("From", ""), post.get("Body", ""))
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


@csrf_exempt
@require_POST
def message_status(request, pk: int):
    """Twilio's report on message ``pk``; signed with the token of the Twilio account that
    sent it (the product's, or the account's own)."""
    refused = _refusal(request, sms.auth_token_for(request.POST.get("AccountSid", "")))
    if refused:
        return refused
    post = request.POST
    status = REPORTED.get(post.get("MessageStatus", ""))
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=pk, channel="sms").first()
        sid = post.get("MessageSid", "")
        if message is None or (message.provider_id and message.provider_id != sid):
            log.info("status of an unknown SMS (%s, %s) ignored", pk, sid)
            return HttpResponse(status=204)  # nothing to retry: Twilio would only repeat it
        message.provider_id = message.provider_id or sid  # a worker died before recording it
        if status is None or not delivery.apply_report(message, status, _reason(post)):
            message.save(update_fields=["provider_id", "updated_at"])
    return HttpResponse(status=204)


def _reason(post) -> str:
    from django.utils.translation import gettext as _

    code = post.get("ErrorCode", "")
    if not code:
        return ""
    meaning = DELIVERY_ERRORS.get(int(code) if code.isdigit() else 0)
    if meaning:
        return _("The SMS did not arrive: %(meaning)s (Twilio error %(code)s).") % {
            "meaning": meaning,
            "code": code,
        }
    return _("The SMS did not arrive (Twilio error %(code)s).") % {"code": code}


def _refusal(request, token: str | None):
    """Why the post is refused (400: unstorable characters, 403: not signed by Twilio with
    ``token``), or None."""
    # csrf_exempt: the input guard leaves the form to us (webhooks usually parse raw bodies).
    fields = [text for pair in request.POST.lists() for text in (pair[0], *pair[1])]
    if not all(is_storable(text) for text in fields):
        return HttpResponseBadRequest("unstorable characters")
    signature = request.headers.get("X-Twilio-Signature", "")
    # Twilio signs the full URL it posted to and every form field with the auth token.
    if (
        not token
        or not signature
        or not RequestValidator(token).validate(
            request.build_absolute_uri(), request.POST, signature
        )
    ):
        log.warning("Twilio webhook refused: bad or missing X-Twilio-Signature")
        return HttpResponseForbidden("invalid signature")
    return None
