"""An email backend that keeps every message in the dev outbox instead of sending it."""

from django.core.mail.backends.base import BaseEmailBackend

from notifications.models import OutboxMessage


def _html_alternative(message) -> str:
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            return content
    if getattr(message, "content_subtype", "") == "html":
        return message.body
    return ""


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        sent = 0
        for message in email_messages:
            html = _html_alternative(message)
            OutboxMessage.objects.create(
                channel=OutboxMessage.Channel.EMAIL,
                subject=message.subject,
                from_address=message.from_email,
                to=list(message.to),
                cc=list(message.cc),
                bcc=list(message.bcc),
                body_text="" if message.content_subtype == "html" else message.body,
                body_html=html,
                raw=message.message().as_bytes(),
            )
            sent += 1
        return sent
