"""Calling the charges API as a booking tool would."""

from __future__ import annotations

import json

from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on
from charges.api_keys import create_key


def a_key(tenant, name: str = "Booking tool") -> str:
    with schema_context(tenant.schema_name):
        return create_key(name)[1]


class Api:
    def __init__(self, tenant, key: str | None):
        self.http = client_on(tenant)
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}

    def post(self, path: str, body=None, *, raw: bytes | str | None = None):
        data = raw if raw is not None else json.dumps(body or {})
        return self.http.post(path, data, content_type="application/json", **self.headers)

    def get(self, path: str, **params):
        return self.http.get(path, params, **self.headers)

    def add(self, **fields):
        return self.post("/api/v1/charges/", fields)
