"""Re-encrypt every account's platform credentials with the newest CONNECTOR_ENCRYPTION_KEYS key."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django_tenants.utils import schema_context

from connectors import secrets
from connectors.models import Connection
from tenants.services import active_tenants


class Command(BaseCommand):
    help = "Re-encrypt stored platform credentials with the newest key (run after adding one)."

    def handle(self, *args, **options):
        total = 0
        for tenant in active_tenants():
            with schema_context(tenant.schema_name), transaction.atomic():
                connections = Connection.objects.select_for_update().exclude(encrypted_secrets="")
                for connection in connections:
                    connection.encrypted_secrets = secrets.rotate(connection.encrypted_secrets)
                    connection.save(update_fields=["encrypted_secrets"])
                    total += 1
        self.stdout.write(f"Re-encrypted {total} connection(s).")
