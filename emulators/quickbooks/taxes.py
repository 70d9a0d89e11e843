"""QuickBooks Online's tax model for companies outside the US (Canada's GST and QST, VAT).

A ``TaxRate`` is one percentage owed to one ``TaxAgency``; a ``TaxCode`` groups the rates a
line pays (a Québec sale: GST 5 % and QST 9.975 %). Neither is created directly: the Tax
Service (``POST /v3/company/<realm>/taxservice/taxcode``) creates a code together with any
new rates it names, refusing a name already taken. Every company starts with the built-in
``Exempt`` code (a 0 % rate), which untaxed lines carry.

An invoice's tax (``TxnTaxDetail``) is one ``TaxLine`` per rate: on the sum of the lines that
pay it, rounded half-up to the currency's minor unit. A caller may send the tax lines itself
(tax amounts overridden, as QuickBooks allows): their rates must exist, and their amounts are
what the invoice adds up.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from connectors.money import minor_unit
from emulators.quickbooks.records import Company, QboFault, now_iso

EXEMPT = "Exempt"
US_CODES = ("TAX", "NON")  # a US company's line-level flags, not TaxCode objects


def duplicate(kind: str, existing: dict) -> QboFault:
    return QboFault(
        400,
        "Duplicate Name Exists Error",
        "6240",
        f"The name supplied already exists. : {kind} Id={existing['Id']}",
    )


def invalid_reference(what: str, value) -> QboFault:
    return QboFault(
        400, "Invalid Reference Id", "2500", f"Invalid Reference Id : {what} {value} not found"
    )


def missing(field: str) -> QboFault:
    return QboFault(
        400,
        "Required param missing, need to supply the required value for the API",
        "2020",
        f"Required parameter {field} is missing in the request",
    )


def named(company: Company, kind: str, name: str, field: str = "Name") -> dict | None:
    return next((o for o in company.objects.get(kind, {}).values() if o.get(field) == name), None)


class TaxBook:
    """The tax half of ``QboState`` (it brings ``lock``, ``new_id``, ``store``, ``get``)."""

    def seed_taxes(self, company: Company) -> None:
        """The built-in codes of a new company, there before any change is notified."""
        rate = self._record(company, "TaxRate", {"Name": EXEMPT, "RateValue": 0})
        code = self._code(company, EXEMPT, [rate])
        for obj in (rate, code):
            company.objects.setdefault(obj["_kind"], {})[obj["Id"]] = obj

    def create_agency(self, company: Company, body: dict) -> dict:
        with self.lock:
            name = body.get("DisplayName")
            if not name:
                raise missing("DisplayName")
            if found := named(company, "TaxAgency", name, "DisplayName"):
                raise duplicate("TaxAgency", found)
            agency = self._record(
                company,
                "TaxAgency",
                {"DisplayName": name, "TaxTrackedOnSales": True, "TaxTrackedOnPurchases": False},
            )
            return self.store(company, "TaxAgency", agency, "Create")

    def create_tax_code(self, company: Company, body: dict) -> dict:
        """The Tax Service: everything is checked before anything is created."""
        with self.lock:
            name, details = body.get("TaxCode"), body.get("TaxRateDetails") or []
            if not name:
                raise missing("TaxCode")
            if not details:
                raise missing("TaxRateDetails")
            if found := named(company, "TaxCode", name):
                raise duplicate("TaxCode", found)
            rates = [self._rate_for(company, detail) for detail in details]
            new_names = [r["Name"] for r in rates if not r.get("Id")]
            if len(set(new_names)) != len(new_names):
                raise QboFault(400, "Duplicate Name Exists Error", "6240", "TaxRateName repeated")
            for rate in rates:
                if not rate.get("Id"):
                    rate.update(self._record(company, "TaxRate", rate))
                    self.store(company, "TaxRate", rate, "Create")
            code = self.store(company, "TaxCode", self._code(company, name, rates), "Create")
            return {
                "TaxCode": code["Name"],
                "TaxCodeId": code["Id"],
                "TaxRateDetails": [
                    {
                        "TaxRateName": rate["Name"],
                        "TaxRateId": rate["Id"],
                        "RateValue": rate["RateValue"],
                        "TaxAgencyId": (rate.get("AgencyRef") or {}).get("value", ""),
                        "TaxApplicableOn": "Sales",
                    }
                    for rate in rates
                ],
            }

    def _rate_for(self, company: Company, detail: dict) -> dict:
        """An existing rate (``TaxRateId``) or a new one, not stored yet."""
        if detail.get("TaxRateId"):
            return self.get(company, "TaxRate", str(detail["TaxRateId"]))
        for field in ("TaxRateName", "RateValue", "TaxAgencyId"):
            if detail.get(field) in (None, ""):
                raise missing(field)
        if found := named(company, "TaxRate", detail["TaxRateName"]):
            raise duplicate("TaxRate", found)
        agency = company.objects.get("TaxAgency", {}).get(str(detail["TaxAgencyId"]))
        if agency is None:
            raise invalid_reference("TaxAgency", detail["TaxAgencyId"])
        return {
            "Name": detail["TaxRateName"],
            "RateValue": float(Decimal(str(detail["RateValue"]))),
            "AgencyRef": {"value": agency["Id"], "name": agency["DisplayName"]},
        }

    def _record(self, company: Company, kind: str, fields: dict) -> dict:
        return {
            "Active": True,
            "SpecialTaxType": "NONE",
            "DisplayType": "ReadOnly",
            **fields,
            "Id": self.new_id(company),
            "SyncToken": "0",
            "domain": "QBO",
            "_kind": kind,
            "MetaData": {"CreateTime": now_iso(), "LastUpdatedTime": now_iso()},
        }

    def _code(self, company: Company, name: str, rates: list[dict]) -> dict:
        code = self._record(
            company,
            "TaxCode",
            {
                "Name": name,
                "Description": name,
                "Hidden": False,
                "Taxable": any(float(rate["RateValue"]) for rate in rates),
                "TaxGroup": len(rates) > 1,
                "SalesTaxRateList": {
                    "TaxRateDetail": [
                        {
                            "TaxRateRef": {"value": rate["Id"], "name": rate["Name"]},
                            "TaxTypeApplicable": "TaxOnAmount",
                            "TaxOrder": 0,
                        }
                        for rate in rates
                    ]
                },
                "PurchaseTaxRateList": {"TaxRateDetail": []},
            },
        )
        for key in ("SpecialTaxType", "DisplayType"):
            code.pop(key)
        return code


def invoice_taxes(company: Company, lines: list[dict], sent: dict | None, currency: str
                  ) -> tuple[Decimal, dict]:  # fmt: skip
    """The invoice's subtotal and ``TxnTaxDetail``, as QuickBooks works them out from the
    lines' tax codes (or from the tax lines sent, whose rates must exist)."""
    quantum = minor_unit(currency)
    subtotal, taxable = Decimal(0), {}  # rate id → the amount it is paid on
    for line in lines:
        if line.get("DetailType") != "SalesItemLineDetail":
            continue
        amount = Decimal(str(line.get("Amount", 0)))
        subtotal += amount
        for rate in _rates_of(company, line.get("SalesItemLineDetail") or {}):
            taxable[rate["Id"]] = taxable.get(rate["Id"], Decimal(0)) + amount
    rates = company.objects.get("TaxRate", {})
    if sent and sent.get("TaxLine"):
        tax_lines = [_sent_tax_line(rates, tax_line) for tax_line in sent["TaxLine"]]
    else:
        tax_lines = [
            _tax_line(rates[rate_id], net, quantum)
            for rate_id, net in taxable.items()
            if rates[rate_id]["RateValue"]
        ]
    total_tax = sum((Decimal(str(t["Amount"])) for t in tax_lines), Decimal(0))
    detail = {"TotalTax": float(total_tax)}
    if tax_lines:
        detail["TaxLine"] = tax_lines
    return subtotal, detail


def _rates_of(company: Company, detail: dict) -> list[dict]:
    value = (detail.get("TaxCodeRef") or {}).get("value")
    if not value or value in US_CODES:
        return []
    code = company.objects.get("TaxCode", {}).get(str(value))
    if code is None:
        raise invalid_reference("TaxCode", value)
    rates = company.objects["TaxRate"]
    return [rates[d["TaxRateRef"]["value"]] for d in code["SalesTaxRateList"]["TaxRateDetail"]]


def _tax_line(rate: dict, net: Decimal, quantum: Decimal) -> dict:
    percent = Decimal(str(rate["RateValue"]))
    amount = (net * percent / 100).quantize(quantum, ROUND_HALF_UP)
    return {
        "Amount": float(amount),
        "DetailType": "TaxLineDetail",
        "TaxLineDetail": {
            "TaxRateRef": {"value": rate["Id"], "name": rate["Name"]},
            "PercentBased": True,
            "TaxPercent": float(percent),
            "NetAmountTaxable": float(net),
        },
    }


def _sent_tax_line(rates: dict, tax_line: dict) -> dict:
    detail = tax_line.get("TaxLineDetail") or {}
    rate_id = str((detail.get("TaxRateRef") or {}).get("value", ""))
    rate = rates.get(rate_id)
    if rate is None:
        raise invalid_reference("TaxRate", rate_id or "(none)")
    return {
        "Amount": float(Decimal(str(tax_line.get("Amount", 0)))),
        "DetailType": "TaxLineDetail",
        "TaxLineDetail": {
            "TaxRateRef": {"value": rate["Id"], "name": rate["Name"]},
            "PercentBased": True,
            "TaxPercent": float(Decimal(str(detail.get("TaxPercent", rate["RateValue"])))),
            "NetAmountTaxable": float(Decimal(str(detail.get("NetAmountTaxable", 0)))),
        },
    }
