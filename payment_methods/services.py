"""Saved payment methods: each operation asks the platform, then mirrors its answer here.

The platform is the truth (a card may be removed on Stripe's dashboard too): after adding,
removing or changing the default, ``sync`` reads the client's methods back and writes what it
reads. When the client has methods, one of them is the default: the platform's own default, or
else the newest, made the default on the platform (the first card saved, or the one left when
the default is removed).
"""

from __future__ import annotations

from dataclasses import replace

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from connectors.base import Capability, PlatformError, SavedMethod
from connectors.models import Connection
from connectors.registry import capabilities_of, platform_for
from payment_methods.models import SavedPaymentMethod
from payment_requests.models import PlatformCustomer
from payment_requests.services.common import default_connection
from payment_requests.services.sending import client_ref, ensure_platform_customer


def platform_able() -> Connection | None:
    """The connection new requests go to, if its platform can keep payment methods."""
    connection = default_connection()
    if connection is not None and Capability.SAVED_METHODS in capabilities_of(connection):
        return connection
    return None


def of_client(client, connection: Connection):
    """The client's methods on ``connection`` as last read from it: default first."""
    return SavedPaymentMethod.objects.filter(
        client=client, connection=connection, removed_at__isnull=True
    ).order_by("-is_default", "-added_at", "-pk")


def start_adding(client, connection: Connection, success_url: str, cancel_url: str) -> str:
    """The platform's page where the client adds a method (its customer made if need be)."""
    platform = platform_for(connection)
    customer_id = ensure_platform_customer(client, connection, platform)
    return platform.start_saving_method(client_ref(client, customer_id), success_url, cancel_url)


def sync(client, connection: Connection, *, added_by=None) -> list[SavedPaymentMethod]:
    """Mirror the client's methods on the platform; returns the ones new to us. ``added_by``:
    the member who added them in the client's portal (None: the client did)."""
    customer = PlatformCustomer.objects.filter(client=client, connection=connection).first()
    if customer is None:
        return []  # never a customer there: no method either
    platform = platform_for(connection)
    remote = platform.saved_methods(customer.remote_id)
    if remote and not any(method.is_default for method in remote):
        newest = remote[0]  # the platform lists the newest first
        platform.set_default_method(customer.remote_id, newest.remote_id)
        remote = [replace(method, is_default=method is newest) for method in remote]
    return _mirror(client, connection, remote, added_by)


def _mirror(client, connection, remote: list[SavedMethod], added_by) -> list[SavedPaymentMethod]:
    added = []
    with transaction.atomic():
        for method in remote:
            fields = {
                "client": client,
                "kind": method.kind,
                "brand": method.brand[:50],
                "last4": method.last4[-4:],
                "exp_month": method.exp_month,
                "exp_year": method.exp_year,
                "is_default": method.is_default,
                "removed_at": None,
            }
            row, created = SavedPaymentMethod.objects.update_or_create(
                connection=connection,
                remote_id=method.remote_id,
                defaults=fields,
                create_defaults={**fields, "added_by": added_by},
            )
            if created:
                added.append(row)
        of_client(client, connection).exclude(
            remote_id__in=[method.remote_id for method in remote]
        ).update(removed_at=timezone.now(), is_default=False)
    return added


def remove(method: SavedPaymentMethod) -> None:
    """Detach the method on the platform; it leaves the client's list (its row stays)."""
    platform = platform_for(method.connection)
    platform.remove_method(_customer_id(method), method.remote_id)
    sync(method.client, method.connection)


def make_default(method: SavedPaymentMethod) -> None:
    platform = platform_for(method.connection)
    platform.set_default_method(_customer_id(method), method.remote_id)
    sync(method.client, method.connection)


def _customer_id(method: SavedPaymentMethod) -> str:
    customer = PlatformCustomer.objects.filter(
        client=method.client_id, connection=method.connection_id
    ).first()
    if customer is None:  # its customer was forgotten: the platform cannot be asked
        raise PlatformError(
            _("This payment method is not one of this client's."),
            code="not_the_customers",
            platform=method.connection.platform,
        )
    return customer.remote_id
