"""The words of the emulator's pages in English and French, and how it writes amounts and dates.

The emulator stands for Stripe: its pages carry Stripe's own translations, kept here, not
billing_saas's catalogue (``locale/``). Amounts and dates follow the page's locale through
Babel (CLDR), as Stripe's pages do: ``12 345,67 €`` and ``26 novembre 2026`` in French,
``€12,345.67`` and ``November 26, 2026`` in English, no decimals for zero-decimal currencies.

Which language a page speaks: the hosted invoice page, the customer's ``preferred_locales``
(copied onto the invoice when it is finalised); Checkout, the session's ``locale``; otherwise
("auto", or nothing set, or a language the emulator cannot write) the browser's
``Accept-Language``, else English. The emulator writes English and French only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from connectors.money import from_minor_units
from emulators.wording import NBSP, NNBSP, PageWording

WORDS: dict[str, dict[str, str]] = {
    "badge": {"en": "Stripe emulator · test data", "fr": "Émulateur Stripe · données de test"},
    "not_found": {"en": "Not found", "fr": "Introuvable"},
    "page_not_found": {"en": "Page not found", "fr": "Page introuvable"},
    "error": {"en": "Error", "fr": "Erreur"},
    # The card form.
    "card_number": {"en": "Card number", "fr": "Numéro de carte"},
    "expiry": {"en": "Expiry (MM / YY)", "fr": "Date d'expiration (MM / AA)"},
    "cvc": {"en": "CVC", "fr": "CVC"},
    "name_on_card": {"en": "Name on card", "fr": "Nom sur la carte"},
    "pay": {"en": "Pay", "fr": "Payer"},
    # Why a payment did not go through (by Stripe's error code).
    "card_declined": {"en": "Your card was declined.", "fr": "Votre carte a été refusée."},
    "incorrect_number": {
        "en": "Your card number is incorrect.",
        "fr": "Votre numéro de carte est incorrect.",
    },
    "invoice_not_open": {
        "en": "This invoice cannot be paid.",
        "fr": "Cette facture ne peut pas être payée.",
    },
    "payment_failed": {
        "en": "This payment could not be completed.",
        "fr": "Ce paiement n'a pas pu aboutir.",
    },
    # The hosted invoice page.
    "invoice": {"en": "Invoice", "fr": "Facture"},
    "invoice_number": {"en": "Invoice {number}", "fr": "Facture {number}"},
    "invoice_not_found": {"en": "Invoice not found", "fr": "Facture introuvable"},
    "link_expired": {"en": "Link expired", "fr": "Lien expiré"},
    "invoice_link_expired": {
        "en": "This invoice link has expired",
        "fr": "Ce lien vers la facture a expiré",
    },
    "ask_new_link": {
        "en": "Ask the sender for a new link.",
        "fr": "Demandez un nouveau lien à l'expéditeur.",
    },
    "due": {"en": "Due", "fr": "Échéance"},
    "for": {"en": "For", "fr": "Objet"},
    "to": {"en": "To", "fr": "Destinataire"},
    "invoice_void": {"en": "Invoice void", "fr": "Facture annulée"},
    "voided": {
        "en": "This invoice has been voided and can no longer be paid.",
        "fr": "Cette facture a été annulée et ne peut plus être payée.",
    },
    "invoice_paid": {"en": "Invoice paid", "fr": "Facture payée"},
    "paid_on": {"en": "Paid on {date}. Thank you!", "fr": f"Payée le {{date}}. Merci{NNBSP}!"},
    "pay_invoice": {"en": "Pay invoice", "fr": "Payer la facture"},
    # The lines of an invoice or a Checkout Session, their taxes and total.
    "lines": {"en": "Items", "fr": "Articles"},
    "quantity_times": {"en": "{quantity} × {unit_price}", "fr": "{quantity} × {unit_price}"},
    "subtotal": {"en": "Subtotal", "fr": "Sous-total"},
    "tax_named": {"en": "{name} ({rate})", "fr": "{name} ({rate})"},
    "total": {"en": "Total", "fr": "Total"},
    # Checkout.
    "checkout": {"en": "Checkout", "fr": "Paiement"},
    "payment": {"en": "Payment", "fr": "Paiement"},
    "session_not_found": {
        "en": "Checkout session not found",
        "fr": "Session de paiement introuvable",
    },
    "expired": {"en": "Expired", "fr": "Expirée"},
    "session_expired": {
        "en": "This checkout session has expired. Ask the sender for a new payment link.",
        "fr": "Cette session de paiement a expiré. Demandez un nouveau lien de paiement "
        "à l'expéditeur.",
    },
    "cancel": {"en": "Cancel and go back", "fr": "Annuler et revenir"},
    # Checkout in subscription mode: the plan and its price per interval.
    "subscribe_title": {"en": "Subscribe", "fr": "Abonnement"},
    "subscribe_to": {"en": "Subscribe to {plan}", "fr": "Abonnement à {plan}"},
    "subscribe": {"en": "Subscribe", "fr": "S'abonner"},
    "per_day": {"en": "{amount} per day", "fr": "{amount} par jour"},
    "per_week": {"en": "{amount} per week", "fr": "{amount} par semaine"},
    "per_month": {"en": "{amount} per month", "fr": "{amount} par mois"},
    "per_year": {"en": "{amount} per year", "fr": "{amount} par an"},
    "every_day": {"en": "{amount} every {count} days", "fr": "{amount} tous les {count} jours"},
    "every_week": {
        "en": "{amount} every {count} weeks",
        "fr": "{amount} toutes les {count} semaines",
    },
    "every_month": {"en": "{amount} every {count} months", "fr": "{amount} tous les {count} mois"},
    "every_year": {"en": "{amount} every {count} years", "fr": "{amount} tous les {count} ans"},
    # Checkout in setup mode: the client saves a card for later payments.
    "save_card_title": {"en": "Save a card", "fr": "Enregistrer une carte"},
    "save_card_heading": {
        "en": "Save your card for future payments",
        "fr": "Enregistrez votre carte pour vos prochains paiements",
    },
    "save_card_intro": {
        "en": "{business} will be able to charge this card for future payments, as agreed "
        "with you.",
        "fr": "{business} pourra débiter cette carte pour vos prochains paiements, comme "
        "convenu avec vous.",
    },
    "save_card": {"en": "Save card", "fr": "Enregistrer la carte"},
    "invalid_expiry_month": {
        "en": "Your card's expiration month is invalid.",
        "fr": "Le mois d'expiration de votre carte n'est pas valide.",
    },
    "invalid_expiry_year": {
        "en": "Your card's expiration year is invalid.",
        "fr": "L'année d'expiration de votre carte n'est pas valide.",
    },
    "invalid_cvc": {
        "en": "Your card's security code is invalid.",
        "fr": "Le code de sécurité de votre carte n'est pas valide.",
    },
    "authentication_failed": {
        "en": "Your card could not be authenticated. Try again or use another card.",
        "fr": "Votre carte n'a pas pu être authentifiée. Réessayez ou utilisez une autre carte.",
    },
    # The authentication page (Stripe's test 3D Secure page), seen by the card holder.
    "authenticate_title": {"en": "Authenticate your card", "fr": "Authentifiez votre carte"},
    "authenticate_payment": {
        "en": "Your bank asks you to confirm this payment of {amount}.",
        "fr": "Votre banque vous demande de confirmer ce paiement de {amount}.",
    },
    "authenticate_setup": {
        "en": "Your bank asks you to confirm that this card may be saved for future payments.",
        "fr": "Votre banque vous demande de confirmer que cette carte peut être enregistrée "
        "pour vos prochains paiements.",
    },
    "card_ending": {"en": "{brand} ending in {last4}", "fr": "{brand} se terminant par {last4}"},
    "complete_authentication": {"en": "Complete authentication", "fr": "Confirmer"},
    "fail_authentication": {"en": "Fail authentication", "fr": "Refuser"},
    "authentication_over": {
        "en": "Authentication is over. You can close this page.",
        "fr": "L'authentification est terminée. Vous pouvez fermer cette page.",
    },
    # Connect OAuth consent (seen by the provider, in their browser's language).
    "connect_title": {"en": "Connect with Stripe", "fr": "Se connecter avec Stripe"},
    "connect_heading": {"en": "Connect your Stripe account", "fr": "Connectez votre compte Stripe"},
    "connect_intro": {
        "en": "billing_saas would like to create invoices and payment links on your Stripe "
        "account ({mode} mode).",
        "fr": "billing_saas souhaite créer des factures et des liens de paiement sur votre "
        "compte Stripe (mode {mode}).",
    },
    "mode_live": {"en": "live", "fr": "production"},
    "mode_test": {"en": "test", "fr": "test"},
    "business_name": {"en": "Business name", "fr": "Nom de l'entreprise"},
    "account_email": {"en": "Account email", "fr": "Adresse e-mail du compte"},
    "connect_allow": {"en": "Connect my Stripe account", "fr": "Connecter mon compte Stripe"},
    "connect_deny": {"en": "Deny access", "fr": "Refuser l'accès"},
    "invalid_client": {"en": "Invalid client_id", "fr": "client_id non valide"},
    "no_application": {"en": "No such application.", "fr": "Cette application n'existe pas."},
    "invalid_redirect": {"en": "Invalid redirect_uri", "fr": "redirect_uri non valide"},
    # Account onboarding (seen by the provider).
    "link_invalid": {"en": "Link invalid", "fr": "Lien non valide"},
    "link_invalid_heading": {"en": "This link is invalid", "fr": "Ce lien n'est pas valide"},
    "activate_title": {"en": "Activate your account", "fr": "Activez votre compte"},
    "activate_heading": {
        "en": "Activate your Stripe account",
        "fr": "Activez votre compte Stripe",
    },
    "country": {"en": "Country: {country}.", "fr": f"Pays{NBSP}: {{country}}."},
    "tell_us": {
        "en": "Tell us about your business to start accepting payments.",
        "fr": "Parlez-nous de votre entreprise pour commencer à accepter des paiements.",
    },
    "agree_submit": {"en": "Agree and submit", "fr": "Accepter et envoyer"},
}


@dataclass(frozen=True)
class Wording(PageWording):
    WORDS = WORDS

    def money(self, amount: int, currency: str) -> str:
        """``amount`` in the currency's minor units, as Stripe's API writes amounts."""
        return format_currency(
            from_minor_units(amount, currency), currency.upper(), locale=self.locale
        )

    def number(self, value) -> str:
        """A quantity as the page's locale writes it: ``1.5`` or ``1,5``."""
        return format_decimal(Decimal(str(value)), locale=self.locale)

    def percent(self, rate) -> str:
        """A tax rate's percentage: ``9.975%`` in English, ``9,975 %`` in French."""
        value = Decimal(str(rate)) / 100
        return format_percent(value, locale=self.locale, decimal_quantization=False)

    def day(self, timestamp: int | None) -> str:
        if not timestamp:
            return "—"
        moment = datetime.fromtimestamp(timestamp, UTC).date()
        return format_date(moment, format="long", locale=self.locale)

    def country(self, code: str) -> str:
        """A country named in the page's language ("France"), or its code if Babel has none."""
        return Locale.parse(self.locale).territories.get(code.upper(), code) if code else ""


wording_for = Wording.for_tag
from_browser = Wording.from_browser


def choose(wanted: list[str] | tuple[str, ...] | str | None, accept_language: str | None
           ) -> Wording:  # fmt: skip
    """The wording for what the object asks (a locale or a list of them, "auto" for the
    browser's), else the browser's, else English."""
    if isinstance(wanted, str):
        wanted = [wanted]
    for tag in wanted or ():
        if tag and tag != "auto":
            found = wording_for(tag)
            if found:
                return found
    return from_browser(accept_language) or Wording()
