"""Connect an account to the QuickBooks emulator the way a person would (`make dev`)."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context

from connectors import services
from connectors.models import Connection
from connectors.quickbooks.app import QuickBooksApp
from connectors.quickbooks.client import SCOPES, auth_client, qb_client
from connectors.routing.models import AccountRoute

REDIRECT_URI = "http://localhost/connect/quickbooks/callback/"


def connect_to_emulator(tenant, user) -> Connection | None:
    if not settings.QUICKBOOKS_API_BASE:
        return None
    with schema_context(tenant.schema_name):
        existing = Connection.objects.filter(
            platform="quickbooks", status=Connection.Status.CONNECTED
        ).first()
        if existing is not None:
            try:
                qb_client(existing).get_single_object("CompanyInfo", existing.remote_account_id)
                return existing
            except Exception:  # noqa: BLE001 - the emulator keeps no state across restarts
                existing.status = Connection.Status.DISCONNECTED
                existing.disconnected_at = timezone.now()
                existing.save(update_fields=["status", "disconnected_at"])
                AccountRoute.objects.filter(remote_account_id=existing.remote_account_id).update(
                    active=False
                )
        consent = auth_client(REDIRECT_URI).get_authorization_url(SCOPES, state_token="seed")
        form = urllib.parse.urlencode(
            {"decision": "allow", "company": tenant.name, "email": user.email}
        ).encode()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(urllib.request.Request(consent, data=form, method="POST"), timeout=5)
            return None  # the emulator did not send us back: nothing connected
        except urllib.error.HTTPError as answer:  # the 302 back to us
            location = answer.headers["Location"]
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
        account = QuickBooksApp().finish_authorization(
            "test", {**query, "redirect_uri": REDIRECT_URI}
        )
        return services.save_connection(tenant, user, "quickbooks", "test", account)
