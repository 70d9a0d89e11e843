"""Tax rates, and the tax they add to a line the way Stripe computes it.

Stripe applies each tax rate to each line on its own: the line's amount (in the currency's
minor unit) times the percentage, rounded half up to the minor unit. An invoice's or a
session's tax is the sum of those, never a rate applied to a subtotal.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from emulators.stripe.objects import build, new_id, page_of
from emulators.stripe.state.core import AccountData, StripeError, _bool

EDITABLE = ("active", "description", "display_name", "jurisdiction", "state", "tax_type")


def percentage(value) -> Decimal:
    """A rate's percentage as Stripe keeps it: 0 to 100, at most four decimals."""
    try:
        rate = Decimal(str(value))
    except InvalidOperation:
        raise StripeError(400, f"Invalid decimal: {value}", param="percentage") from None
    if not rate.is_finite() or not 0 <= rate <= 100 or rate != round(rate, 4):
        raise StripeError(
            400, "percentage must be between 0 and 100 with at most 4 decimals", param="percentage"
        )
    return rate


def tax_on(amount: int, rate: dict) -> int:
    """The tax ``rate`` adds to a line of ``amount`` minor units, rounded half up."""
    exact = Decimal(amount) * Decimal(str(rate["percentage"])) / 100
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


class TaxRatesMixin:
    """Tax rates of a connected account, created once and applied to lines by id."""

    def create_tax_rate(self, data: AccountData, params: dict, livemode: bool) -> dict:
        name = params.get("display_name") or ""
        if not name:
            raise StripeError(
                400, "Missing required param: display_name.", code="parameter_missing",
                param="display_name",
            )  # fmt: skip
        if len(name) > 50:
            raise StripeError(
                400, "display_name must be at most 50 characters", param="display_name"
            )
        if params.get("percentage") in (None, ""):
            raise StripeError(
                400, "Missing required param: percentage.", code="parameter_missing",
                param="percentage",
            )  # fmt: skip
        rate = percentage(params["percentage"])
        if params.get("inclusive") in (None, ""):
            raise StripeError(
                400, "Missing required param: inclusive.", code="parameter_missing",
                param="inclusive",
            )  # fmt: skip
        if _bool(params["inclusive"]):
            # Our connector only adds tax on top; inclusive rates are not emulated.
            raise StripeError(400, "The emulator supports exclusive tax rates only.",
                              param="inclusive")  # fmt: skip
        tax_rate = build(
            "tax_rate",
            id=new_id("tax_rate"),
            active=_bool(params.get("active", "true")),
            country=params.get("country"),
            created=self.now(),
            description=params.get("description"),
            display_name=name,
            inclusive=False,
            jurisdiction=params.get("jurisdiction"),
            metadata=params.get("metadata") or {},
            # Stripe's JSON writes the percentage as a number: 5 or 9.975.
            percentage=int(rate) if rate == rate.to_integral_value() else float(rate),
            rate_type="percentage",
            state=params.get("state"),
            tax_type=params.get("tax_type"),
            flat_amount=None,
        )
        self.store(data, tax_rate, livemode)
        self.emit(data.account["id"], "tax_rate.created", tax_rate)
        return tax_rate

    def update_tax_rate(self, data: AccountData, rate_id: str, params: dict) -> dict:
        tax_rate = self.get(data, "tax_rate", rate_id, "txr_")
        previous = {key: tax_rate[key] for key in EDITABLE if key in params}
        for key in EDITABLE:
            if key in params:
                tax_rate[key] = _bool(params[key]) if key == "active" else params[key]
        tax_rate["metadata"].update(params.get("metadata") or {})
        self.emit(data.account["id"], "tax_rate.updated", tax_rate, previous)
        return tax_rate

    def list_tax_rates(self, data: AccountData, params: dict, url: str) -> dict:
        rates = [o for o in data.objects.values() if o.get("object") == "tax_rate"]
        for flag in ("active", "inclusive"):
            if params.get(flag) not in (None, ""):
                rates = [r for r in rates if r[flag] == _bool(params[flag])]
        rates.sort(key=lambda r: (r["created"], r["id"]), reverse=True)
        return page_of(rates, params, url)

    def tax_rates_for(self, data: AccountData, ids, param: str) -> list[dict]:
        """The active tax rates a line names (``tax_rates``), as Stripe checks them."""
        if ids in (None, ""):
            return []
        if not isinstance(ids, list):
            raise StripeError(400, "Invalid array", param=param)
        rates = [self.get(data, "tax_rate", rate_id, "txr_") for rate_id in ids]
        for rate in rates:
            if not rate["active"]:
                raise StripeError(
                    400, f"Tax rate {rate['id']} is inactive and cannot be applied.", param=param
                )
        if len({rate["id"] for rate in rates}) != len(rates):
            raise StripeError(400, "A tax rate can be applied only once per line.", param=param)
        return rates
