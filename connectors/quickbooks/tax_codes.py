"""Our taxes as QuickBooks Online tax codes (the model of companies outside the US).

A line's taxes (Québec: GST 5 % and QST 9.975 %) are one ``TaxCode`` grouping one
``TaxRate`` per tax. QuickBooks creates both only through its Tax Service, and refuses a name
already taken; so each code and rate is named after what it charges ("GST 5%",
"GST 5% + QST 9.975%"), looked up by that name first and created only when missing: a
combination is created once per company and reused by every later invoice. A new rate is
filed under the tax agency named like the tax ("QST"), created when missing; a bookkeeper
may rename agencies, never the codes and rates we look up.

Untaxed lines of an invoice that has taxed ones carry the company's built-in ``Exempt`` code:
QuickBooks wants a code on every line once an invoice is taxed.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from quickbooks import exceptions as qbo_errors
from quickbooks.objects.taxagency import TaxAgency
from quickbooks.objects.taxcode import TaxCode
from quickbooks.objects.taxrate import TaxRate
from quickbooks.objects.taxservice import TaxRateDetails, TaxService

from connectors.base import PlatformError, TaxLine

EXEMPT = "Exempt"
DUPLICATE_NAME = 6240  # another worker created the same name between our look and our create


def rate_name(tax: TaxLine) -> str:
    return f"{tax.name} {format(tax.rate.normalize(), 'f')}%"


def code_name(taxes: tuple[TaxLine, ...]) -> str:
    return " + ".join(rate_name(tax) for tax in taxes)


class TaxCodes:
    """The tax codes and rates of one company, asked of QuickBooks once per name and kept
    for the invoice being built (``qb`` is a python-quickbooks client)."""

    def __init__(self, qb):
        self.qb = qb
        self.codes: dict[str, str] = {}  # code name → TaxCode id
        self.rates: dict[str, str] = {}  # rate name → TaxRate id

    def code_for(self, taxes: tuple[TaxLine, ...]) -> str:
        """The id of the TaxCode charging exactly ``taxes``, created if QuickBooks has none."""
        name = code_name(taxes) if taxes else EXEMPT
        if name not in self.codes:
            self.codes[name] = self._find_or_create(name, taxes)
        return self.codes[name]

    def rate_id(self, tax: TaxLine) -> str:
        """The TaxRate id of ``tax`` (``code_for`` a line with it has run)."""
        name = rate_name(tax)
        if name not in self.rates:
            self.rates[name] = self._find(TaxRate, Name=name)
        return self.rates[name]

    def _find_or_create(self, name: str, taxes: tuple[TaxLine, ...]) -> str:
        if found := self._find(TaxCode, Name=name):
            return found
        if not taxes:
            raise PlatformError(
                _(
                    "QuickBooks has no “%(code)s” tax code for this invoice's untaxed lines; "
                    "add it in QuickBooks' sales tax settings."
                )
                % {"code": EXEMPT},
                code="no_exempt_code",
                platform="quickbooks",
            )
        try:
            return self._create(name, taxes)
        except qbo_errors.QuickbooksException as error:
            if error.error_code != DUPLICATE_NAME:
                raise
        # Created meanwhile by another worker (a code, a rate or an agency): look again.
        self.rates.clear()
        return self._find(TaxCode, Name=name) or self._create(name, taxes)

    def _create(self, name: str, taxes: tuple[TaxLine, ...]) -> str:
        service = TaxService()
        service.TaxCode = name
        service.TaxRateDetails = [self._rate_detail(tax) for tax in taxes]
        created = service.save(qb=self.qb)
        for detail in created.TaxRateDetails:
            self.rates[detail.TaxRateName] = str(detail.TaxRateId)
        return str(created.TaxCodeId)

    def _rate_detail(self, tax: TaxLine) -> TaxRateDetails:
        """An existing rate by id, or a new one (its name, its percent, its agency)."""
        detail = TaxRateDetails()
        detail.TaxApplicableOn = "Sales"
        if existing := self.rate_id(tax):
            detail.TaxRateId = existing
            return detail
        detail.TaxRateName = rate_name(tax)
        detail.RateValue = tax.rate
        detail.TaxAgencyId = self._find(TaxAgency, DisplayName=tax.name) or self._agency(tax)
        return detail

    def _agency(self, tax: TaxLine) -> str:
        agency = TaxAgency()
        agency.DisplayName = tax.name
        return str(agency.save(qb=self.qb).Id)

    def _find(self, kind, **where) -> str:
        found = kind.filter(qb=self.qb, **where)
        return str(found[0].Id) if found else ""
