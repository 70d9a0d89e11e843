"""The REST routes for the catalog and subscriptions: Products, Prices, Subscriptions, and the
test control that renews a subscription (``POST /_emulator/subscriptions/<id>/renew``).

Kept beside ``app.py``'s router, which asks here before answering 404; the rules live in
``state/catalog.py``, ``state/subscriptions.py`` and ``state/subscription_billing.py``.
"""

from __future__ import annotations

from emulators.stripe.state import StripeError, public

CONTROL = "/_emulator/subscriptions/"


def dispatch(state, method: str, parts: list[str], params: dict, data, livemode: bool,
             url: str) -> dict | None:  # fmt: skip
    """The answer to a catalog or subscription request, or None when the path is not one."""
    head, rest = parts[0], parts[1:]
    if head == "products":
        if not rest:
            if method == "POST":
                return public(state.create_product(data, params, livemode))
            return state.list_products(data, params, url)
        if len(rest) == 1:
            if method == "POST":
                return public(state.update_product(data, rest[0], params))
            return public(state.product(data, rest[0]))
    if head == "prices":
        if not rest:
            if method == "POST":
                return public(state.create_price(data, params, livemode))
            return state.list_prices(data, params, url)
        if len(rest) == 1:
            if method == "POST":
                return public(state.update_price(data, rest[0], params))
            return public(state.price(data, rest[0], "id"))
    if head == "subscriptions":
        if not rest and method == "GET":
            return state.list_subscriptions(data, params, url)
        if len(rest) == 1:
            if method == "POST":
                return public(state.update_subscription(data, rest[0], params))
            if method == "DELETE":
                return public(state.cancel_subscription(data, rest[0]))
            return public(state.subscription(data, rest[0]))
    return None


def control(state, method: str, path: str, payload: dict):
    """``POST /_emulator/subscriptions/<id>/renew`` with ``{"account": …}``: the period ends."""
    parts = path[len(CONTROL) :].split("/")
    if method != "POST" or len(parts) != 2 or parts[1] != "renew":
        raise StripeError(404, f"Unknown emulator control {path}")
    return 200, "json", public(state.renew(payload["account"], parts[0])), {}
