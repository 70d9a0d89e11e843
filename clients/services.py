"""The account's clients: who documents are sent to."""

from __future__ import annotations

from clients.models import Client


def save_client(form) -> Client:
    """``form`` is a valid ``ClientForm`` (a new client, or changes to one)."""
    return form.save()
