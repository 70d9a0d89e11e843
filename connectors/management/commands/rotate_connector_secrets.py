"""Re-encrypt every account's stored secrets with the newest CONNECTOR_ENCRYPTION_KEYS key:
platform credentials, the password of its own SMTP server, its own Twilio auth token, and
the text of messages still waiting to leave (it carries pay links)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django_tenants.utils import schema_context

from connectors import secrets
from connectors.models import Connection
from notifications.models import EmailSending, Message, SmsSending
from tenants.services import active_tenants


class Command(BaseCommand):
    help = "Re-encrypt stored secrets with the newest key (run after adding one)."

    def handle(self, *args, **options):
        total = smtp = twilio = waiting = 0
        for tenant in active_tenants():
            with schema_context(tenant.schema_name), transaction.atomic():
                connections = Connection.objects.select_for_update().exclude(encrypted_secrets="")
                for connection in connections:
                    connection.encrypted_secrets = secrets.rotate(connection.encrypted_secrets)
                    connection.save(update_fields=["encrypted_secrets"])
                    total += 1
                sendings = EmailSending.objects.select_for_update().exclude(encrypted_password="")
                for sending in sendings:
                    sending.encrypted_password = secrets.rotate(sending.encrypted_password)
                    sending.save(update_fields=["encrypted_password"])
                    smtp += 1
                sms_sendings = SmsSending.objects.select_for_update().exclude(
                    encrypted_auth_token=""
                )
                for sending in sms_sendings:
                    sending.encrypted_auth_token = secrets.rotate(sending.encrypted_auth_token)
                    sending.save(update_fields=["encrypted_auth_token"])
                    twilio += 1
                for message in Message.objects.select_for_update().exclude(content=""):
                    message.content = secrets.rotate(message.content)
                    message.save(update_fields=["content"])
                    waiting += 1
        self.stdout.write(
            f"Re-encrypted {total} connection(s), {smtp} SMTP password(s), "
            f"{twilio} Twilio auth token(s) and {waiting} waiting message(s)."
        )
