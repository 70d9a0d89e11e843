"""The emulator's hosted pages: OAuth consent, account onboarding, invoice and checkout payment.

Plain HTML that a person (or Playwright) uses like Stripe's own pages: pay with
``4242 4242 4242 4242``, be declined with ``4000 0000 0000 0002``.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import urlencode, urlsplit

from connectors.stripe.emulator.state import ZERO_DECIMAL, StripeError, StripeState

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
"""


def page(title: str, body: str, status: int = 200):
    document = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f'<body><main><p class="badge">Stripe emulator · test data</p>{body}</main></body></html>'
    )
    return status, "text/html; charset=utf-8", document, {}


def redirect(url: str):
    return 302, "text/html; charset=utf-8", "", {"Location": url}


def money(amount: int, currency: str) -> str:
    exponent = 0 if currency.lower() in ZERO_DECIMAL else 2
    value = Decimal(amount).scaleb(-exponent)
    return f"{value:,.{exponent}f} {currency.upper()}"


def day(timestamp: int | None) -> str:
    if not timestamp:
        return "—"
    return datetime.fromtimestamp(timestamp, UTC).strftime("%d %b %Y")


def card_form(action: str, error: str = "", pay_label: str = "Pay") -> str:
    failure = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    return f"""
    <form method="post" action="{html.escape(action)}">
      <label for="card">Card number</label>
      <input id="card" name="card" inputmode="numeric" autocomplete="cc-number"
             placeholder="4242 4242 4242 4242" required>
      <label for="exp">Expiry (MM / YY)</label>
      <input id="exp" name="exp" placeholder="12 / 34" required>
      <label for="cvc">CVC</label>
      <input id="cvc" name="cvc" placeholder="123" required>
      <label for="name">Name on card</label>
      <input id="name" name="name" autocomplete="cc-name">
      {failure}
      <button type="submit">{html.escape(pay_label)}</button>
    </form>"""


def attempt(pay) -> tuple[bool, str]:
    """Run a card payment: (paid, the message to show when not)."""
    try:
        intent = pay()
    except StripeError as failure:
        return False, failure.body["error"]["message"]
    if intent["status"] == "succeeded":
        return True, ""
    return False, intent["last_payment_error"]["message"]


def handle(state: StripeState, method: str, path: str, query: dict, form: dict,
           client_ids: set[str]):  # fmt: skip
    parts = [part for part in path.split("/") if part]
    if path == "/oauth/authorize":
        return oauth_consent(state, method, query, form, client_ids)
    if len(parts) == 3 and parts[0] == "setup":
        return onboarding(state, method, parts[1], parts[2], form)
    if len(parts) == 3 and parts[0] == "i":
        return hosted_invoice(state, method, parts[1], parts[2], query, form)
    if len(parts) == 3 and parts[:2] == ["c", "pay"]:
        return checkout(state, method, parts[2], form)
    return page("Not found", "<h1>Page not found</h1>", 404)


def oauth_consent(state, method, query, form, client_ids):
    client_id = query.get("client_id", "")
    redirect_uri = query.get("redirect_uri", "")
    if client_id not in client_ids:
        return page("Error", "<h1>Invalid client_id</h1><p>No such application.</p>", 400)
    if urlsplit(redirect_uri).scheme not in ("http", "https"):
        return page("Error", "<h1>Invalid redirect_uri</h1>", 400)
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
    return page(
        "Connect with Stripe",
        f"""
      <h1>Connect your Stripe account</h1>
      <p class="muted">billing_saas would like to create invoices and payment links on your
      Stripe account ({"live" if livemode else "test"} mode).</p>
      <form method="post">
        <label for="business_name">Business name</label>
        <input id="business_name" name="business_name" value="{name}" required>
        <label for="email">Account email</label>
        <input id="email" name="email" type="email" value="{email}">
        <button type="submit" name="decision" value="allow">Connect my Stripe account</button>
        <button type="submit" name="decision" value="deny" class="secondary"
                formnovalidate>Deny access</button>
      </form>""",
    )


def onboarding(state, method, account_id, token, form):
    link = state.account_links.get(token)
    if link is None or link.get("account") != account_id:
        return page("Link invalid", "<h1>This link is invalid</h1>", 404)
    if link["expires_at"] < state.now() or link.get("used"):
        return redirect(link["refresh_url"])
    account = state.public_account(account_id)
    if method == "POST":
        link["used"] = True
        state.complete_onboarding(account_id, form.get("business_name", ""))
        return redirect(link["return_url"])
    return page(
        "Activate your account",
        f"""
      <h1>Activate your Stripe account</h1>
      <p class="muted">Country: {html.escape(account.get("country") or "")}.
      Tell us about your business to start accepting payments.</p>
      <form method="post">
        <label for="business_name">Business name</label>
        <input id="business_name" name="business_name" required
               value="{html.escape(account["business_profile"].get("name") or "")}">
        <button type="submit">Agree and submit</button>
      </form>""",
    )


def hosted_invoice(state, method, account_id, invoice_id, query, form):
    data = state.accounts.get(account_id)
    invoice = data.objects.get(invoice_id) if data else None
    if not invoice or invoice.get("deleted") or invoice.get("status") == "draft":
        return page("Invoice not found", "<h1>Invoice not found</h1>", 404)
    if not state.hosted_link_valid(invoice, query.get("s", "")):
        return page(
            "Link expired",
            "<h1>This invoice link has expired</h1><p class='muted'>Ask "
            "the sender for a new link.</p>",
            410,
        )
    summary = f"""
      <h1>{html.escape(invoice.get("account_name") or "Invoice")}</h1>
      <p class="muted">Invoice {html.escape(invoice.get("number") or "")}</p>
      <p class="amount">{money(invoice["amount_due"], invoice["currency"])}</p>
      <dl><dt>Due</dt><dd>{day(invoice.get("due_date"))}</dd>
      <dt>For</dt><dd>{html.escape(invoice.get("description") or "")}</dd>
      <dt>To</dt><dd>{html.escape(invoice.get("customer_email") or "")}</dd></dl>"""
    if invoice["status"] == "void":
        return page(
            "Invoice void",
            summary + '<p class="error" role="status">This invoice has '
            "been voided and can no longer be paid.</p>",
        )
    if invoice["status"] == "paid":
        return page(
            "Invoice paid",
            summary + '<p class="ok" role="status">Paid on '
            f"{day(invoice['status_transitions']['paid_at'])}. Thank you!</p>",
        )
    error = ""
    if method == "POST":
        paid_url = f"/i/{account_id}/{invoice_id}?s={query.get('s', '')}"
        done, error = attempt(
            lambda: state.pay_invoice(account_id, invoice_id, form.get("card", ""))
        )
        if done:
            return redirect(paid_url)
    return page("Pay invoice", summary + card_form("", error, "Pay invoice"))


def checkout(state, method, session_id, form):
    state.sweep()
    session = None
    account_id = ""
    for key, data in state.accounts.items():
        if session_id in data.objects:
            session, account_id = data.objects[session_id], key
    if session is None:
        return page("Not found", "<h1>Checkout session not found</h1>", 404)
    product = session.get("_product_description")
    summary = f"""
      <h1>{html.escape(session.get("_description") or "Payment")}</h1>
      {f'<p class="muted">{html.escape(product)}</p>' if product else ""}
      <p class="amount">{money(session["amount_total"], session["currency"])}</p>"""
    if session["status"] == "expired":
        return page(
            "Expired",
            summary + '<p class="error" role="status">This checkout session '
            "has expired. Ask the sender for a new payment link.</p>",
            410,
        )
    if session["status"] == "complete":
        return redirect(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id))
    error = ""
    if method == "POST":
        done, error = attempt(
            lambda: state.pay_session(account_id, session_id, form.get("card", ""))
        )
        if done:
            return redirect(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id))
    cancel = session.get("cancel_url")
    back = f'<p><a href="{html.escape(cancel)}">Cancel and go back</a></p>' if cancel else ""
    return page("Checkout", summary + card_form("", error) + back)
