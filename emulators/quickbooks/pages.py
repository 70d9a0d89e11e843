"""The emulator's pages: QuickBooks' hosted invoice (the "invoice link" a client pays on),
showing each line, the taxes and the total in the browser's language."""

from __future__ import annotations

import html

from emulators.quickbooks.wording import Wording

STYLE = """body{font-family:system-ui,sans-serif;background:#f4f5f8;margin:0;color:#21262c}
main{max-width:440px;margin:48px auto;background:#fff;border-radius:10px;padding:32px;
box-shadow:0 2px 10px rgba(0,0,0,.08)}.muted{color:#6b6c72}.amount{font-size:2rem;
font-weight:600}label{display:block;margin:12px 0 4px;font-size:.85rem}input{width:100%;
box-sizing:border-box;padding:10px;border:1px solid #c1c4c8;border-radius:4px}
button{margin-top:18px;width:100%;padding:12px;border:0;border-radius:4px;background:#2ca01c;
color:#fff;font-weight:600;font-size:1rem}button.secondary{background:#fff;color:#393a3d;
border:1px solid #c1c4c8}.error{background:#fdecea;color:#a41c1c;padding:10px;border-radius:4px}
.ok{background:#e6f6ec;color:#1b6b3a;padding:10px;border-radius:4px}
table.lines{width:100%;border-collapse:collapse;margin:16px 0;font-size:.9rem}
.lines th,.lines td{padding:6px 4px;border-bottom:1px solid #e3e5e8;text-align:left}
.lines .num{text-align:right;white-space:nowrap}.lines tfoot td{border-bottom:0}
.badge{display:inline-block;padding:2px 8px;border-radius:10px;background:#e1f3dc;
color:#1e6b12;font-size:.75rem;font-weight:600}"""


def page(words: Wording, title: str, body: str) -> str:
    """A whole page; ``title`` is plain text, ``body`` HTML."""
    return (
        f'<!doctype html><html lang="{words.language}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body><main>"
        f'<p class="badge">{words.html("badge")}</p>{body}</main></body></html>'
    )


def invoice_page(state, method, path, form, words: Wording):
    """The invoice link: its lines and total, and a card form while a balance is due."""
    parts = path.strip("/").split("/")  # app invoice <realm> <id> <token>
    not_found = page(words, words.text("not_found"), f"<h1>{words.html('invoice_not_found')}</h1>")
    if len(parts) != 5 or parts[2] not in state.companies:
        return 404, "html", not_found, {}
    company = state.companies[parts[2]]
    invoice = company.objects.get("Invoice", {}).get(parts[3])
    if invoice is None or invoice.get("_link_token") != parts[4]:
        return 404, "html", not_found, {}
    amount = words.money(invoice["TotalAmt"], invoice["CurrencyRef"]["value"])
    summary = (
        "<p class='muted'>"
        + words.html("invoice_of", company=company.name, number=invoice["DocNumber"])
        + f"</p><p class='amount'>{html.escape(amount, quote=False)}</p>"
        + f"<p>{words.html('due', date=words.day(invoice.get('DueDate')))}</p>"
        + lines_table(invoice, words)
    )
    if invoice.get("PrivateNote") == "Voided":
        body = summary + f"<p class='error' role='status'>{words.html('voided')}</p>"
        return 200, "html", page(words, words.text("voided_title"), body), {}
    if float(invoice["Balance"]) <= 0:
        body = summary + f"<p class='ok' role='status'>{words.html('paid')}</p>"
        return 200, "html", page(words, words.text("paid_title"), body), {}
    error = ""
    if method == "POST":
        card = "".join(ch for ch in form.get("card", "") if ch.isdigit())
        if card == "4242424242424242":
            state.pay_invoice(company.realm_id, invoice["Id"])
            return 302, "html", "", {"Location": path}
        error = "declined" if card == "4000000000000002" else "check_number"
    failure = f"<p class='error' role='alert'>{words.html(error)}</p>" if error else ""
    form_html = f"""
      <form method="post">
        <label for="card">{words.html("card_number")}</label>
        <input id="card" name="card" required>
        <label for="exp">{words.html("expiry")}</label><input id="exp" name="exp" required>
        <label for="cvc">{words.html("cvc")}</label><input id="cvc" name="cvc" required>
        {failure}<button>{words.html("pay_now")}</button>
      </form>"""
    return 200, "html", page(words, words.text("pay_invoice"), summary + form_html), {}


def lines_table(invoice: dict, words: Wording) -> str:
    """Each sold line (quantity, rate, amount), the sub-total, each tax and the total."""
    currency = invoice["CurrencyRef"]["value"]

    def money(value) -> str:
        return html.escape(words.money(value, currency), quote=False)

    rows, subtotal = [], 0.0
    for line in invoice["Line"]:
        if line.get("DetailType") == "SubTotalLineDetail":
            subtotal = line["Amount"]
        if line.get("DetailType") != "SalesItemLineDetail":
            continue
        detail = line.get("SalesItemLineDetail") or {}
        rows.append(
            f"<tr><td>{html.escape(line.get('Description') or '', quote=False)}</td>"
            f"<td class='num'>{html.escape(words.number(detail.get('Qty', 1)), quote=False)}</td>"
            f"<td class='num'>{money(detail.get('UnitPrice', line['Amount']))}</td>"
            f"<td class='num'>{money(line['Amount'])}</td></tr>"
        )
    sums = [(words.html("subtotal"), money(subtotal))]
    for tax in (invoice.get("TxnTaxDetail") or {}).get("TaxLine", []):
        detail = tax["TaxLineDetail"]
        name = detail["TaxRateRef"].get("name", "")
        label = words.html(
            "tax_on", name=name, net=words.money(detail["NetAmountTaxable"], currency)
        )
        sums.append((label, money(tax["Amount"])))
    sums.append(
        (
            f"<strong>{words.html('total')}</strong>",
            f"<strong>{money(invoice['TotalAmt'])}</strong>",
        )
    )
    head = "".join(
        f"<th{' class=num' if key != 'description' else ''}>{words.html(key)}</th>"
        for key in ("description", "quantity", "rate", "amount")
    )
    foot = "".join(
        f"<tr><td colspan='3'>{label}</td><td class='num'>{value}</td></tr>"
        for label, value in sums
    )
    return (
        f"<table class='lines'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
        f"<tfoot>{foot}</tfoot></table>"
    )
