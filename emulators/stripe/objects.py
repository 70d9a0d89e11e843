"""Stripe objects built from Stripe's own examples, so every response has Stripe's shape.

``fixtures.json`` is the subset of Stripe's ``fixtures3.json`` (from stripe/openapi) that the
emulator returns. Each new object starts as a deep copy of its example with the example's
values reset, then gets the emulator's own values; a test compares every returned object with
the authoritative file, vendored unmodified in ``reference/`` with Stripe's MIT licence.
"""

from __future__ import annotations

import copy
import json
import secrets
import string
from functools import cache
from pathlib import Path

FIXTURES = Path(__file__).with_name("fixtures.json")

ID_PREFIXES = {
    "customer": "cus",
    "invoice": "in",
    "invoiceitem": "ii",
    "line_item": "il",
    "checkout.session": "cs",
    "payment_intent": "pi",
    "charge": "ch",
    "invoice_payment": "inpay",
    "account": "acct",
    "event": "evt",
    "refund": "re",
    "tax_rate": "txr",
    "item": "li",
    "price": "price",
    "payment_method": "pm",
    "setup_intent": "seti",
    "product": "prod",
    "subscription": "sub",
    "subscription_item": "si",
}

_ALPHABET = string.ascii_letters + string.digits


@cache
def examples() -> dict[str, dict]:
    return json.loads(FIXTURES.read_text())["resources"]


def new_id(object_type: str, livemode: bool = False) -> str:
    prefix = ID_PREFIXES[object_type]
    body = "".join(secrets.choice(_ALPHABET) for _ in range(24))
    if object_type == "checkout.session":
        return f"{prefix}_{'live' if livemode else 'test'}_{body}"
    return f"{prefix}_{body}"


def _blank(value):
    """The example's structure with neutral values: objects keep their keys, the rest is reset."""
    if isinstance(value, dict):
        return {key: _blank(item) for key, item in value.items()}
    if isinstance(value, list):
        return []
    if isinstance(value, bool):
        return False
    return None


def build(object_type: str, **values) -> dict:
    """A new object of ``object_type`` with Stripe's keys and the given values."""
    obj = _blank(copy.deepcopy(examples()[object_type]))
    obj["object"] = examples()[object_type].get("object", object_type)
    if "metadata" in obj:
        obj["metadata"] = {}
    for key, value in values.items():
        obj[key] = value
    return obj


def list_object(data: list[dict], url: str, has_more: bool = False) -> dict:
    return {"object": "list", "data": data, "has_more": has_more, "url": url}


def page_of(rows: list[dict], params: dict, url: str) -> dict:
    """One page of a list, newest first as given: after ``starting_after``, ``limit`` rows."""
    if params.get("starting_after"):
        ids = [row["id"] for row in rows]
        if params["starting_after"] in ids:
            rows = rows[ids.index(params["starting_after"]) + 1 :]
    limit = min(int(params.get("limit") or 10), 100)
    return list_object(rows[:limit], url, has_more=len(rows) > limit)
