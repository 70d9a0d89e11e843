"""The account's clients: who requests are sent to."""

from __future__ import annotations

from payment_requests.models import Client


def save_client(form) -> Client:
    """``form`` is a valid ``ClientForm`` (a new client, or changes to one)."""
    return form.save()
