"""Connect an account to the emulator the way a person would, for `make dev`'s demo."""

from __future__ import annotations

import json
import logging
import urllib.request

from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context

from connectors import services
from connectors.base import PlatformError
from connectors.models import Connection
from connectors.routing.models import AccountRoute
from connectors.stripe.app import StripeApp

log = logging.getLogger(__name__)


def emulator_answers() -> bool:
    if not settings.STRIPE_API_BASE:
        return False
    try:
        request = urllib.request.Request(
            settings.STRIPE_API_BASE + "/_emulator/clock", data=b"{}", method="POST"
        )
        with urllib.request.urlopen(request, timeout=2):
            return True
    except OSError:
        return False


def connect_to_emulator(tenant, user) -> Connection | None:
    """Ensure ``tenant`` has a working test-mode Stripe connection on the emulator."""
    if not emulator_answers():
        return None
    app = StripeApp()
    with schema_context(tenant.schema_name):
        existing = Connection.objects.filter(
            platform="stripe", mode="test", status=Connection.Status.CONNECTED
        ).first()
        if existing is not None:
            try:
                app.account_ready("test", existing.remote_account_id)
                return existing
            except PlatformError:
                # The emulator lost its state (data directory wiped): retire and reconnect.
                existing.status = Connection.Status.DISCONNECTED
                existing.disconnected_at = timezone.now()
                existing.save(update_fields=["status", "disconnected_at"])
                AccountRoute.objects.filter(remote_account_id=existing.remote_account_id).update(
                    active=False
                )
        request = urllib.request.Request(
            settings.STRIPE_API_BASE + "/_emulator/oauth/code",
            data=json.dumps({"business_name": tenant.name, "email": user.email}).encode(),
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            code = json.loads(response.read())["code"]
        account = app.finish_authorization("test", {"code": code})
        return services.save_connection(tenant, user, "stripe", "test", account)
