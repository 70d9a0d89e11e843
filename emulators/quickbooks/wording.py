"""The words of the emulator's pages in English and French, and how it writes amounts and dates.

The emulator stands for Intuit: its pages carry Intuit's own translations, kept here, not
billing_saas's catalogue (``locale/``). Intuit's pages follow the browser: each page speaks
the first language of ``Accept-Language`` that the emulator writes (English or French), else
English. Amounts and dates go through Babel (CLDR) in that locale: ``250,00 €`` and
``26 novembre 2026`` in French, ``€250.00`` and ``November 26, 2026`` in English.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from emulators.wording import NBSP, NNBSP, PageWording

WORDS: dict[str, dict[str, str]] = {
    "badge": {"en": "QuickBooks emulator · sandbox", "fr": "Émulateur QuickBooks · bac à sable"},
    "not_found": {"en": "Not found", "fr": "Introuvable"},
    "invoice_not_found": {"en": "Invoice not found", "fr": "Facture introuvable"},
    # The pay page.
    "invoice_of": {"en": "{company} · Invoice {number}", "fr": "{company} · Facture {number}"},
    "due": {"en": "Due {date}", "fr": f"Date d'échéance{NBSP}: {{date}}"},
    "voided_title": {"en": "Voided", "fr": "Facture annulée"},
    "voided": {
        "en": "This invoice has been voided and cannot be paid.",
        "fr": "Cette facture a été annulée et ne peut pas être payée.",
    },
    "paid_title": {"en": "Paid", "fr": "Facture payée"},
    "paid": {
        "en": "This invoice is paid. Thank you!",
        "fr": f"Cette facture est payée. Merci{NNBSP}!",
    },
    "declined": {"en": "Your card was declined.", "fr": "Votre carte a été refusée."},
    "check_number": {"en": "Check the card number.", "fr": "Vérifiez le numéro de carte."},
    "pay_invoice": {"en": "Pay invoice", "fr": "Payer la facture"},
    "card_number": {"en": "Card number", "fr": "Numéro de carte"},
    "expiry": {"en": "Expiry (MM / YY)", "fr": "Date d'expiration (MM / AA)"},
    "cvc": {"en": "CVC", "fr": "CVC"},
    "pay_now": {"en": "Pay now", "fr": "Payer maintenant"},
    # The invoice's lines and totals (QuickBooks' invoice columns).
    "description": {"en": "Description", "fr": "Description"},
    "quantity": {"en": "Qty", "fr": "Qté"},
    "rate": {"en": "Rate", "fr": "Taux"},
    "amount": {"en": "Amount", "fr": "Montant"},
    "subtotal": {"en": "Subtotal", "fr": "Sous-total"},
    "tax_on": {"en": "{name} on {net}", "fr": "{name} sur {net}"},
    "total": {"en": "Total", "fr": "Total"},
    # The OAuth consent page (seen by the provider).
    "connect_title": {"en": "Connect to QuickBooks", "fr": "Se connecter à QuickBooks"},
    "connect_intro": {
        "en": "billing_saas wants to create invoices and receive payments in your QuickBooks "
        "company.",
        "fr": "billing_saas souhaite créer des factures et recevoir des paiements dans votre "
        "entreprise QuickBooks.",
    },
    "company": {"en": "Company", "fr": "Entreprise"},
    "company_email": {"en": "Company email", "fr": "Adresse e-mail de l'entreprise"},
    "connect": {"en": "Connect", "fr": "Se connecter"},
    "cancel": {"en": "Cancel", "fr": "Annuler"},
    "invalid_client": {"en": "Invalid client_id", "fr": "client_id non valide"},
    "invalid_scope": {"en": "Invalid scope", "fr": "Autorisations (scope) non valides"},
}


@dataclass(frozen=True)
class Wording(PageWording):
    WORDS = WORDS

    def money(self, amount, currency: str) -> str:
        try:
            value = Decimal(str(amount))
        except InvalidOperation:
            return f"{amount} {currency}"
        return format_currency(value, currency.upper(), locale=self.locale)

    def number(self, value) -> str:
        """A quantity as the language writes it: 1.5 in English, 1,5 in French."""
        try:
            return format_decimal(Decimal(str(value)), locale=self.locale)
        except InvalidOperation:
            return str(value)

    def day(self, iso_date: str | None) -> str:
        """A QuickBooks date (``2026-11-26``) written out: "26 novembre 2026"."""
        if not iso_date:
            return "—"
        try:
            return format_date(date.fromisoformat(iso_date), format="long", locale=self.locale)
        except ValueError:
            return iso_date


wording_for = Wording.for_tag


def from_browser(accept_language: str | None) -> Wording:
    """The first language of ``Accept-Language`` the emulator writes, else English (Intuit's
    pages follow the browser)."""
    return Wording.from_browser(accept_language) or Wording()
