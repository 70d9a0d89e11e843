"""Issuing a credit note, and what staff do with it after: change its use, record a refund of
it, void it. Each runs on the locked credit note, once (the forms' ``entry_key``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing_saas.currencies import CURRENCY_CODES
from billing_saas.money_format import format_money
from billing_saas.refusals import ActionRefused
from clients.models import Client
from credits.models import CreditNote, CreditNumberSequence, CreditRefund
from payment_requests.models import Payment
from payment_requests.services.common import check_amount
from payment_requests.services.manual import account_today
from payment_requests.services.numbering import next_number

# What the columns hold (12 digits, 2 decimals), as a document's total.
MAX_AMOUNT = Decimal("9999999999.99")


def _locked(pk: int) -> CreditNote:
    return CreditNote.objects.select_for_update().get(pk=pk)


def issue(*, client: Client, currency: str, amount: Decimal, reason: str,
          use: str = CreditNote.Use.APPLY, actor=None, entry_key: str = ""
          ) -> CreditNote:  # fmt: skip
    """A new credit note, numbered; the same form posted twice issues it once."""
    reason = (reason or "").strip()
    if entry_key and (done := CreditNote.objects.filter(entry_key=entry_key).first()):
        return done
    if currency not in CURRENCY_CODES:
        raise ActionRefused(_("Choose one of the currencies you bill in."))
    check_amount(amount, currency)
    if amount > MAX_AMOUNT:
        raise ActionRefused(_("The amount is too large."))
    if not reason:
        raise ActionRefused(_("Say why the client is credited."))
    if use not in CreditNote.Use.values:
        raise ActionRefused(_("Choose how the credit is used."))
    try:
        with transaction.atomic():
            return CreditNote.objects.create(
                client=client,
                number=next_number(CreditNumberSequence),
                currency=currency,
                amount=amount,
                reason=reason[:500],
                use=use,
                issued_by=actor,
                entry_key=entry_key or None,
            )
    except IntegrityError:  # the same form, posted twice at once: the first one made it
        done = CreditNote.objects.filter(entry_key=entry_key).first() if entry_key else None
        if done is None:
            raise
        return done


def change_use(pk: int, use: str) -> CreditNote:
    """Apply what is left to the next invoices, or keep it to refund."""
    if use not in CreditNote.Use.values:
        raise ActionRefused(_("Choose how the credit is used."))
    with transaction.atomic():
        note = _locked(pk)
        if note.use == use:
            return note
        if note.is_void or note.remaining <= 0:
            raise ActionRefused(_("Nothing is left of this credit note to use."))
        note.use = use
        note.save(update_fields=["use"])
    return note


def void(pk: int, *, actor) -> CreditNote:
    """Cancel a credit note issued by mistake: only while nothing of it is used."""
    with transaction.atomic():
        note = _locked(pk)
        if note.is_void:
            return note
        if not note.can_be_voided:
            raise ActionRefused(
                _("Part of this credit note was applied or refunded: it can no longer be voided.")
            )
        note.voided_at = timezone.now()
        note.voided_by = actor
        note.save(update_fields=["voided_at", "voided_by"])
    return note


def record_refund(pk: int, *, actor, amount: Decimal, method: str, refunded_on: date,
                  reference: str = "", entry_key: str = "") -> CreditRefund:  # fmt: skip
    """Money the provider paid back to the client outside the app, from what is left."""
    with transaction.atomic():
        note = _locked(pk)
        if entry_key and (done := CreditRefund.objects.filter(entry_key=entry_key).first()):
            return done  # the same form again (a double click): recorded already
        if note.is_void:
            raise ActionRefused(_("This credit note was voided."))
        check_amount(amount, note.currency)
        if amount > note.remaining:
            raise ActionRefused(
                _("The amount is more than what is left of the credit (%(left)s).")
                % {"left": format_money(note.remaining, note.currency)}
            )
        if method not in Payment.Method.values:
            raise ActionRefused(_("Choose how the money was paid back."))
        if refunded_on > account_today():
            raise ActionRefused(_("The refund date cannot be in the future."))
        refund = CreditRefund.objects.create(
            credit_note=note,
            amount=amount,
            method=method,
            reference=reference[:100],
            refunded_on=refunded_on,
            recorded_by=actor,
            entry_key=entry_key or None,
        )
        note.amount_refunded += amount
        note.save(update_fields=["amount_refunded"])
    return refund
