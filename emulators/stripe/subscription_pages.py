"""The hosted page of Checkout in subscription mode: ``/c/subscribe/<session>``.

The payment page's look and card fields ("Card number", "Expiry (MM / YY)", "CVC"), with the
plan and its price per interval. A card that would be declined is refused on the page and
nothing is created; otherwise the subscription starts (``state/subscriptions.py``) and the
client goes back to the session's success URL. Routed through ``card_pages.handle``.
"""

from __future__ import annotations

import html

from emulators.stripe import wording
from emulators.stripe.pages import (
    cancel_link,
    card_form,
    closed_session,
    find_session,
    page,
    reason,
    redirect,
    session_lines,
    success_url,
)
from emulators.stripe.state import StripeError, StripeState
from emulators.stripe.wording import Wording

PREFIXES = ("/c/subscribe/",)


def price_per_interval(words: Wording, price: dict) -> str:
    """ "€20.00 per month", "€50.00 every 3 months" (HTML)."""
    recurring = price["recurring"]
    count, interval = recurring["interval_count"], recurring["interval"]
    amount = words.money(price["unit_amount"], price["currency"])
    if count == 1:
        return words.html(f"per_{interval}", amount=amount)
    return words.html(f"every_{interval}", amount=amount, count=words.number(count))


def checkout(state: StripeState, method: str, session_id: str, form: dict,
             accept_language: str = ""):  # fmt: skip
    state.sweep()
    account_id, _, session = find_session(state, session_id)
    if session is None or session["mode"] != "subscription":
        words = wording.choose(None, accept_language)
        return page(words, words.text("not_found"),
                    f"<h1>{words.html('session_not_found')}</h1>", 404)  # fmt: skip
    words = wording.choose(session.get("locale"), accept_language)
    line = session["_line_items"][0]
    product = line.get("_product_description")
    summary = f"""
      <h1>{words.html("subscribe_to", plan=line["description"] or "")}</h1>
      {f'<p class="muted">{html.escape(product)}</p>' if product else ""}
      <p class="amount">{price_per_interval(words, line["price"])}</p>
      {session_lines(session, words)}"""
    closed = closed_session(words, session, summary)
    if closed:
        return closed
    error = ""
    if method == "POST":
        try:
            state.subscribe(account_id, session_id, form)
        except StripeError as refusal:
            error = reason(refusal.body["error"].get("code"))
        else:
            return redirect(success_url(session))
    body = summary + card_form(words, "", error, "subscribe") + cancel_link(words, session)
    return page(words, words.text("subscribe_title"), body)
