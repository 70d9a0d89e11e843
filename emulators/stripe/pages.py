"""The emulator's hosted pages: OAuth consent, account onboarding, invoice and checkout payment.

Plain HTML that a person (or Playwright) uses like Stripe's own pages: pay with
``4242 4242 4242 4242``, be declined with ``4000 0000 0000 0002``. Each page speaks English
or French as Stripe's would (``wording.py`` says which and how).
"""

from __future__ import annotations

import html
from decimal import Decimal
from urllib.parse import urlencode, urlsplit

from emulators.stripe import wording
from emulators.stripe.state import StripeError, StripeState
from emulators.stripe.wording import Wording

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;background:#f6f8fa;margin:0;
color:#1a1f36}
main{max-width:440px;margin:48px auto;background:#fff;border-radius:12px;padding:32px;
box-shadow:0 2px 12px rgba(0,0,0,.08)}
h1{font-size:1.35rem;margin:0 0 4px}.muted{color:#697386}.amount{font-size:2rem;font-weight:600;
margin:12px 0}
label{display:block;font-size:.85rem;margin:14px 0 4px;color:#3c4257}
input{width:100%;box-sizing:border-box;padding:10px;border:1px solid #cfd7df;border-radius:6px;
font-size:1rem}
button{margin-top:20px;width:100%;padding:12px;border:0;border-radius:6px;background:#635bff;
color:#fff;font-size:1rem;font-weight:600;cursor:pointer}
button.secondary{background:#fff;color:#3c4257;border:1px solid #cfd7df}
.error{background:#fdecea;color:#a41c1c;padding:10px 12px;border-radius:6px;margin-top:14px}
.ok{background:#e6f6ec;color:#1b6b3a;padding:10px 12px;border-radius:6px;margin-top:14px}
.badge{display:inline-block;padding:2px 8px;border-radius:10px;background:#ffe8cc;
color:#8a4b00;font-size:.75rem;font-weight:600}
dl{display:grid;grid-template-columns:auto 1fr;gap:6px 16px;margin:16px 0}
dt{color:#697386}dd{margin:0}
table.lines{width:100%;border-collapse:collapse;margin:16px 0}
.lines td{padding:6px 0;vertical-align:top}.lines td.num{text-align:right;white-space:nowrap}
.lines tr.sum td{border-top:1px solid #e3e8ee}.lines tr.total td{font-weight:600}
"""


def page(words: Wording, title: str, body: str, status: int = 200):
    """A whole page; ``title`` is plain text, ``body`` HTML."""
    document = (
        f'<!doctype html><html lang="{words.language}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f'<body><main><p class="badge">{words.html("badge")}</p>{body}</main></body></html>'
    )
    return status, "text/html; charset=utf-8", document, {"Content-Language": words.language}


def redirect(url: str):
    return 302, "text/html; charset=utf-8", "", {"Location": url}


def money(words: Wording, amount: int, currency: str) -> str:
    return html.escape(words.money(amount, currency), quote=False)


def lines_table(words: Wording, currency: str, lines: list[tuple], taxes: list[tuple],
                subtotal: int, total: int) -> str:  # fmt: skip
    """What is billed: each line (description, quantity, unit price, amount), the subtotal,
    each tax by name and rate, and the total. ``lines`` holds (description, detail,
    quantity, unit amount, amount); ``taxes`` holds (name, percentage, amount)."""
    rows = []
    for description, detail, quantity, unit_amount, amount in lines:
        notes = [html.escape(detail, quote=False)] if detail else []
        if quantity != 1:
            unit_price = words.money(unit_amount, currency)
            notes.append(
                words.html("quantity_times", quantity=words.number(quantity), unit_price=unit_price)
            )
        note = "".join(f'<div class="muted">{text}</div>' for text in notes)
        rows.append((f"{html.escape(description or '', quote=False)}{note}", amount, ""))
    rows.append((words.html("subtotal"), subtotal, "sum"))
    for name, rate, amount in taxes:
        rows.append((words.html("tax_named", name=name, rate=words.percent(rate)), amount, ""))
    rows.append((words.html("total"), total, "total"))
    body = "".join(
        f'<tr class="{kind}"><td>{label}</td><td class="num">{money(words, amount, currency)}'
        "</td></tr>"
        for label, amount, kind in rows
    )
    return f'<table class="lines" aria-label="{words.html("lines")}">{body}</table>'


def taxes_by_rate(entries) -> list[tuple]:
    """(name, percentage, amount) per tax rate, in the order the rates first appear."""
    totals: dict[str, list] = {}
    for rate, amount in entries:
        totals.setdefault(rate["id"], [rate["display_name"], rate["percentage"], 0])[2] += amount
    return [tuple(entry) for entry in totals.values()]


def invoice_lines(data, invoice: dict, words: Wording) -> str:
    lines = [
        (line.get("description"), "", line.get("quantity") or 1,
         Decimal((line.get("pricing") or {}).get("unit_amount_decimal") or line["amount"]),
         line["amount"])
        for line in invoice["lines"]["data"]
    ]  # fmt: skip
    taxes = taxes_by_rate(
        (data.objects[tax["tax_rate_details"]["tax_rate"]], tax["amount"])
        for tax in invoice.get("total_taxes") or ()
    )
    return lines_table(words, invoice["currency"], lines, taxes, invoice["subtotal"],
                       invoice["total"])  # fmt: skip


def session_lines(session: dict, words: Wording) -> str:
    items = session.get("_line_items") or ()
    lines = [
        (item["description"], item.get("_product_description"), item["quantity"],
         item["price"]["unit_amount"], item["amount_subtotal"])
        for item in items
    ]  # fmt: skip
    taxes = taxes_by_rate((tax["rate"], tax["amount"]) for item in items for tax in item["_taxes"])
    return lines_table(words, session["currency"], lines, taxes, session["amount_subtotal"],
                       session["amount_total"])  # fmt: skip


def day(words: Wording, timestamp: int | None) -> str:
    return html.escape(words.day(timestamp), quote=False)


def card_form(words: Wording, action: str, error: str = "", pay_label: str = "pay") -> str:
    """The card fields; ``error`` is the key of the words saying why the last try failed."""
    failure = f'<p class="error" role="alert">{words.html(error)}</p>' if error else ""
    return f"""
    <form method="post" action="{html.escape(action)}">
      <label for="card">{words.html("card_number")}</label>
      <input id="card" name="card" inputmode="numeric" autocomplete="cc-number"
             placeholder="4242 4242 4242 4242" required>
      <label for="exp">{words.html("expiry")}</label>
      <input id="exp" name="exp" placeholder="12 / 34" required>
      <label for="cvc">{words.html("cvc")}</label>
      <input id="cvc" name="cvc" placeholder="123" required>
      <label for="name">{words.html("name_on_card")}</label>
      <input id="name" name="name" autocomplete="cc-name">
      {failure}
      <button type="submit">{words.html(pay_label)}</button>
    </form>"""


def attempt(pay) -> tuple[bool, str]:
    """Run a card payment: (paid, the key of the words saying why not)."""
    try:
        intent = pay()
    except StripeError as failure:
        return False, reason(failure.body["error"].get("code"))
    if intent["status"] == "succeeded":
        return True, ""
    return False, reason((intent.get("last_payment_error") or {}).get("code"))


# Why a card was not taken, by Stripe's error code; anything else: "payment_failed".
REASONS = ("card_declined", "incorrect_number", "invalid_expiry_month", "invalid_expiry_year",
           "invalid_cvc", "invoice_not_open")  # fmt: skip


def reason(code: str | None) -> str:
    return code if code in REASONS else "payment_failed"


def find_session(state: StripeState, session_id: str):
    """(account id, account data, session) of a Checkout Session, or Nones."""
    for account_id, data in state.accounts.items():
        session = data.objects.get(session_id)
        if session is not None and session.get("object") == "checkout.session":
            return account_id, data, session
    return None, None, None


def cancel_link(words: Wording, session: dict) -> str:
    cancel = session.get("cancel_url")
    return f'<p><a href="{html.escape(cancel)}">{words.html("cancel")}</a></p>' if cancel else ""


def handle(state: StripeState, method: str, path: str, query: dict, form: dict,
           client_ids: set[str], accept_language: str = ""):  # fmt: skip
    parts = [part for part in path.split("/") if part]
    browser = wording.choose(None, accept_language)
    if path == "/oauth/authorize":
        return oauth_consent(state, method, query, form, client_ids, browser)
    if len(parts) == 3 and parts[0] == "setup":
        return onboarding(state, method, parts[1], parts[2], form, browser)
    if len(parts) == 3 and parts[0] == "i":
        return hosted_invoice(state, method, parts[1], parts[2], query, form, accept_language)
    if len(parts) == 3 and parts[:2] == ["c", "pay"]:
        return checkout(state, method, parts[2], form, accept_language)
    return page(
        browser, browser.text("not_found"), f"<h1>{browser.html('page_not_found')}</h1>", 404
    )


def oauth_consent(state, method, query, form, client_ids, words: Wording):
    client_id = query.get("client_id", "")
    redirect_uri = query.get("redirect_uri", "")
    if client_id not in client_ids:
        return page(
            words,
            words.text("error"),
            f"<h1>{words.html('invalid_client')}</h1><p>{words.html('no_application')}</p>",
            400,
        )
    if urlsplit(redirect_uri).scheme not in ("http", "https"):
        return page(words, words.text("error"), f"<h1>{words.html('invalid_redirect')}</h1>", 400)
    livemode = query.get("stripe_landing") == "live" or query.get("livemode") == "true"
    state_value = query.get("state", "")
    separator = "&" if "?" in redirect_uri else "?"
    if method == "POST":
        if form.get("decision") == "deny":
            return redirect(
                redirect_uri
                + separator
                + urlencode(
                    {
                        "error": "access_denied",
                        "error_description": "The user denied your request",
                        "state": state_value,
                    }
                )
            )
        code = state.authorize(
            livemode, form.get("business_name") or "My business", form.get("email", "")
        )
        return redirect(
            redirect_uri
            + separator
            + urlencode({"code": code, "scope": "read_write", "state": state_value})
        )
    email = html.escape(query.get("stripe_user[email]", ""))
    name = html.escape(query.get("stripe_user[business_name]", ""))
    mode = words.text("mode_live" if livemode else "mode_test")
    return page(
        words,
        words.text("connect_title"),
        f"""
      <h1>{words.html("connect_heading")}</h1>
      <p class="muted">{words.html("connect_intro", mode=mode)}</p>
      <form method="post">
        <label for="business_name">{words.html("business_name")}</label>
        <input id="business_name" name="business_name" value="{name}" required>
        <label for="email">{words.html("account_email")}</label>
        <input id="email" name="email" type="email" value="{email}">
        <button type="submit" name="decision" value="allow">{words.html("connect_allow")}</button>
        <button type="submit" name="decision" value="deny" class="secondary"
                formnovalidate>{words.html("connect_deny")}</button>
      </form>""",
    )


def onboarding(state, method, account_id, token, form, words: Wording):
    link = state.account_links.get(token)
    if link is None or link.get("account") != account_id:
        return page(
            words, words.text("link_invalid"), f"<h1>{words.html('link_invalid_heading')}</h1>", 404
        )
    if link["expires_at"] < state.now() or link.get("used"):
        return redirect(link["refresh_url"])
    account = state.public_account(account_id)
    if method == "POST":
        link["used"] = True
        state.complete_onboarding(account_id, form.get("business_name", ""))
        return redirect(link["return_url"])
    country = words.country(account.get("country") or "")
    return page(
        words,
        words.text("activate_title"),
        f"""
      <h1>{words.html("activate_heading")}</h1>
      <p class="muted">{words.html("country", country=country)}
      {words.html("tell_us")}</p>
      <form method="post">
        <label for="business_name">{words.html("business_name")}</label>
        <input id="business_name" name="business_name" required
               value="{html.escape(account["business_profile"].get("name") or "")}">
        <button type="submit">{words.html("agree_submit")}</button>
      </form>""",
    )


def hosted_invoice(state, method, account_id, invoice_id, query, form, accept_language=""):
    data = state.accounts.get(account_id)
    invoice = data.objects.get(invoice_id) if data else None
    if not invoice or invoice.get("deleted") or invoice.get("status") == "draft":
        words = wording.choose(None, accept_language)
        title = words.text("invoice_not_found")
        return page(words, title, f"<h1>{words.html('invoice_not_found')}</h1>", 404)
    # Stripe writes the page in the customer's preferred language, else the browser's.
    words = wording.choose(invoice.get("_customer_locales"), accept_language)
    if not state.hosted_link_valid(invoice, query.get("s", "")):
        return page(
            words,
            words.text("link_expired"),
            f"<h1>{words.html('invoice_link_expired')}</h1>"
            f"<p class='muted'>{words.html('ask_new_link')}</p>",
            410,
        )
    title = invoice.get("account_name") or words.text("invoice")
    summary = f"""
      <h1>{html.escape(title)}</h1>
      <p class="muted">{words.html("invoice_number", number=invoice.get("number") or "")}</p>
      <p class="amount">{money(words, invoice["amount_due"], invoice["currency"])}</p>
      <dl><dt>{words.html("due")}</dt><dd>{day(words, invoice.get("due_date"))}</dd>
      <dt>{words.html("for")}</dt><dd>{html.escape(invoice.get("description") or "")}</dd>
      <dt>{words.html("to")}</dt><dd>{html.escape(invoice.get("customer_email") or "")}</dd></dl>
      {invoice_lines(data, invoice, words)}"""
    if invoice["status"] == "void":
        return page(
            words,
            words.text("invoice_void"),
            summary + f'<p class="error" role="status">{words.html("voided")}</p>',
        )
    if invoice["status"] == "paid":
        paid_on = words.text("paid_on", date=words.day(invoice["status_transitions"]["paid_at"]))
        return page(
            words,
            words.text("invoice_paid"),
            summary + f'<p class="ok" role="status">{html.escape(paid_on, quote=False)}</p>',
        )
    error = ""
    if method == "POST":
        paid_url = f"/i/{account_id}/{invoice_id}?s={query.get('s', '')}"
        done, error = attempt(
            lambda: state.pay_invoice(account_id, invoice_id, form.get("card", ""))
        )
        if done:
            return redirect(paid_url)
    return page(
        words, words.text("pay_invoice"), summary + card_form(words, "", error, "pay_invoice")
    )


def checkout(state, method, session_id, form, accept_language=""):
    state.sweep()
    account_id, _, session = find_session(state, session_id)
    # Saving a card (card_pages.py) or subscribing (subscription_pages.py) is another page.
    if session is None or session.get("mode") != "payment":
        words = wording.choose(None, accept_language)
        title = words.text("not_found")
        return page(words, title, f"<h1>{words.html('session_not_found')}</h1>", 404)
    # Checkout speaks the session's locale; "auto" or none: the browser's language.
    words = wording.choose(session.get("locale"), accept_language)
    product = session.get("_product_description")
    summary = f"""
      <h1>{html.escape(session.get("_description") or words.text("payment"))}</h1>
      {f'<p class="muted">{html.escape(product)}</p>' if product else ""}
      <p class="amount">{money(words, session["amount_total"], session["currency"])}</p>
      {session_lines(session, words)}"""
    closed = closed_session(words, session, summary)
    if closed:
        return closed
    error = ""
    if method == "POST":
        done, error = attempt(
            lambda: state.pay_session(account_id, session_id, form.get("card", ""))
        )
        if done:
            return redirect(success_url(session))
    body = summary + card_form(words, "", error) + cancel_link(words, session)
    return page(words, words.text("checkout"), body)


def success_url(session: dict) -> str:
    """Where a completed session returns, its ``{CHECKOUT_SESSION_ID}`` filled in as Stripe does."""
    return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])


def closed_session(words: Wording, session: dict, summary: str):
    """The answer for a session that takes nothing more (expired; complete: back to its
    success URL), or None while it is open."""
    if session["status"] == "expired":
        return page(
            words,
            words.text("expired"),
            summary + f'<p class="error" role="status">{words.html("session_expired")}</p>',
            410,
        )
    if session["status"] == "complete":
        return redirect(success_url(session))
    return None
