"""The hosted pages for saved cards: Checkout in setup mode, and the authentication page.

``/c/setup/<session>``: a client saves a card (the same fields and look as the payment page).
A card that asks for authentication (``4000 0025 0000 3155``) is sent to the authentication
page first, which comes back here to finish. ``/authenticate/<account>/<intent>?client_secret=…``:
Stripe's test 3D Secure page, Complete or Fail, for a SetupIntent or a PaymentIntent in
``requires_action`` (its ``next_action.redirect_to_url.url``). ``/c/subscribe/<session>``,
where a client saves a card to subscribe, is answered by ``subscription_pages.py``.
"""

from __future__ import annotations

from emulators.stripe import subscription_pages, wording
from emulators.stripe.pages import (
    cancel_link,
    card_form,
    closed_session,
    find_session,
    page,
    reason,
    redirect,
    success_url,
)
from emulators.stripe.state import StripeError, StripeState
from emulators.stripe.wording import Wording

PREFIXES = ("/c/setup/", "/authenticate/", *subscription_pages.PREFIXES)


def handle(state: StripeState, method: str, path: str, query: dict, form: dict,
           accept_language: str = ""):  # fmt: skip
    parts = [part for part in path.split("/") if part]
    if len(parts) == 3 and parts[:2] == ["c", "setup"]:
        return setup_checkout(state, method, parts[2], form, accept_language)
    if len(parts) == 3 and parts[:2] == ["c", "subscribe"]:
        return subscription_pages.checkout(state, method, parts[2], form, accept_language)
    if len(parts) == 3 and parts[0] == "authenticate":
        return authentication(state, method, parts[1], parts[2], query, form, accept_language)
    return not_found(wording.choose(None, accept_language), "page_not_found")


def not_found(words: Wording, key: str):
    return page(words, words.text("not_found"), f"<h1>{words.html(key)}</h1>", 404)


def setup_checkout(state, method, session_id, form, accept_language=""):
    state.sweep()
    with state.lock:
        account_id, data, session = find_session(state, session_id)
        if session is None or session["mode"] != "setup":
            return not_found(wording.choose(None, accept_language), "session_not_found")
        # Back from the authentication page: the SetupIntent may have succeeded meanwhile.
        state.complete_setup_session(data, session)
    words = wording.choose(session.get("locale"), accept_language)
    business = data.account["business_profile"].get("name") or ""
    summary = (
        f"<h1>{words.html('save_card_heading')}</h1>"
        f'<p class="muted">{words.html("save_card_intro", business=business)}</p>'
    )
    closed = closed_session(words, session, summary)
    if closed:
        return closed
    error = "authentication_failed" if _authentication_failed(data, session) else ""
    if method == "POST":
        try:
            intent = state.save_card(account_id, session_id, form)
        except StripeError as refusal:
            error = reason(refusal.body["error"].get("code"))
        else:
            if intent["status"] == "requires_action":
                return redirect(intent["next_action"]["redirect_to_url"]["url"])
            return redirect(success_url(session))
    body = summary + card_form(words, "", error, "save_card") + cancel_link(words, session)
    return page(words, words.text("save_card_title"), body)


def _authentication_failed(data, session) -> bool:
    intent = data.objects[session["setup_intent"]]
    error = intent.get("last_setup_error") or {}
    return error.get("code") == "setup_intent_authentication_failure"


def authentication(state, method, account_id, intent_id, query, form, accept_language=""):
    words = wording.choose(None, accept_language)
    intent = state.authenticating(account_id, intent_id, query.get("client_secret", ""))
    if intent is None:
        return not_found(words, "page_not_found")
    if method == "POST":
        completed = form.get("decision") == "complete"
        back = state.finish_authentication(account_id, intent, completed)
        if back:
            return redirect(back)
    if intent["status"] != "requires_action":
        over = f'<p class="ok" role="status">{words.html("authentication_over")}</p>'
        return page(words, words.text("authenticate_title"), over)
    card = state.accounts[account_id].objects[intent["payment_method"]]["card"]
    if intent["object"] == "payment_intent":
        amount = words.money(intent["amount"], intent["currency"])
        what = words.html("authenticate_payment", amount=amount)
    else:
        what = words.html("authenticate_setup")
    ending = words.html("card_ending", brand=card["brand"].title(), last4=card["last4"])
    body = f"""
      <h1>{words.html("authenticate_title")}</h1>
      <p>{what}</p>
      <p class="muted">{ending}</p>
      <form method="post">
        <button type="submit" name="decision" value="complete">
          {words.html("complete_authentication")}</button>
        <button type="submit" name="decision" value="fail" class="secondary">
          {words.html("fail_authentication")}</button>
      </form>"""
    return page(words, words.text("authenticate_title"), body)
