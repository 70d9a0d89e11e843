"""The REST routes for saved cards: SetupIntents, PaymentMethods, PaymentIntents made by API,
and an invoice paid with a saved card (``state/invoice_charges.py``).

Kept beside ``app.py``'s router, which asks here before answering 404; the rules live in
``state/cards.py``, ``state/setup_intents.py`` and ``state/intents.py``.
"""

from __future__ import annotations

from emulators.stripe.state import public


def dispatch(state, method: str, parts: list[str], params: dict, data, livemode: bool,
             url: str) -> dict | None:  # fmt: skip
    """The answer to a saved-card request, or None when the path is not one of these."""
    head, rest = parts[0], parts[1:]
    if head == "setup_intents":
        if not rest and method == "POST":
            return public(state.create_setup_intent(data, params, livemode))
        if len(rest) == 1 and method == "GET":
            return public(state.get(data, "setup_intent", rest[0], "seti_"))
        if rest[1:] == ["confirm"] and method == "POST":
            return public(state.confirm_setup_intent(data, rest[0], params))
    if head == "payment_methods":
        if not rest and method == "GET":
            return state.customer_payment_methods(data, params.get("customer") or "", params, url)
        if len(rest) == 1 and method == "GET":
            return public(state.payment_method(data, rest[0]))
        if rest[1:] == ["attach"] and method == "POST":
            return public(state.attach_payment_method(data, rest[0], params.get("customer")))
        if rest[1:] == ["detach"] and method == "POST":
            return public(state.detach_payment_method(data, rest[0]))
    if head == "invoices" and rest[1:] == ["pay"] and method == "POST":
        return public(state.pay_invoice_by_api(data, rest[0], params))
    if head == "customers" and rest[1:] == ["payment_methods"] and method == "GET":
        return state.customer_payment_methods(data, rest[0], params, url)
    if head == "payment_intents" and method == "POST":
        if not rest:
            return public(state.create_payment_intent(data, params, livemode))
        if rest[1:] == ["confirm"]:
            return public(state.confirm_payment_intent(data, rest[0], params))
    return None
