"""Reading the charges API's JSON strictly: each field has one type and one meaning, and what
is not understood is refused with the field to correct (``ApiError``), before anything is
written.

Numbers are read as exact decimals, never floats; NaN and Infinity (which Python's json module
accepts) are refused, and so are numbers no column could hold. Amounts are best sent as
strings ("12.50").
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from django.utils.translation import gettext as _

from billing_saas.input_guard import is_storable
from billing_saas.query_params import iso_date, positive_int
from charges.models import Charge
from clients.models import Client
from connectors.money import round_to_minor
from payment_requests.totals import plain_decimal
from products.models import Product

MAX_BODY = 64 * 1024
PLAIN_DECIMAL = re.compile(r"\A-?[0-9]{1,100}(\.[0-9]{1,100})?\Z")
FIELDS = {
    "client_id", "client_email", "description", "quantity", "unit_price", "currency",
    "due_date", "source", "product_id", "external_id",
}  # fmt: skip


class ApiError(Exception):
    """What the caller gets: an HTTP status and a message, naming the field when there is one."""

    def __init__(self, status: int, message: str, field: str = ""):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field

    def as_json(self) -> dict:
        error = {"message": str(self.message)}
        if self.field:
            error["field"] = self.field
        return {"error": error}


def bad(message, field: str = "") -> ApiError:
    return ApiError(400, message, field)


def _reject_constant(name: str):
    raise ValueError(name)  # NaN, Infinity, -Infinity: not numbers a charge can have


def parse_body(body: bytes) -> dict:
    if len(body) > MAX_BODY:
        raise ApiError(413, _("The request body is larger than 64 KB."))
    try:
        data = json.loads(
            body.decode("utf-8"),
            parse_float=Decimal,
            parse_int=Decimal,  # an int of thousands of digits costs nothing as a Decimal
            parse_constant=_reject_constant,
        )
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise bad(_("The body is not valid JSON (UTF-8, no NaN or Infinity).")) from None
    if not isinstance(data, dict):
        raise bad(_("The body must be a JSON object."))
    return data


def _text(data: dict, name: str, *, required: bool = False, max_length: int = 300) -> str:
    value = data.get(name)
    if value is None:
        if required:
            raise bad(_("This field is required."), name)
        return ""
    if not isinstance(value, str):
        raise bad(_("Must be a string."), name)
    if not is_storable(value):
        raise bad(_("Contains characters we cannot accept (such as a null character)."), name)
    value = value.strip()
    if required and not value:
        raise bad(_("This field is required."), name)
    if len(value) > max_length:
        raise bad(_("At most %(count)s characters.") % {"count": max_length}, name)
    return value


def _decimal(data: dict, name: str, default: Decimal | None = None) -> Decimal:
    value = data.get(name)
    if value is None:
        if default is None:
            raise bad(_("This field is required."), name)
        return default
    if isinstance(value, str) and PLAIN_DECIMAL.match(value.strip()):
        value = Decimal(value.strip())
    if not isinstance(value, Decimal) or not value.is_finite():
        raise bad(_('Must be a decimal number written as a string, for example "12.50".'), name)
    return value


def _id(data: dict, name: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    number = positive_int(str(value)) if isinstance(value, Decimal) else None
    if number is None:
        raise bad(_("Must be a positive whole number."), name)
    return number


def _client(data: dict) -> Client:
    client_id = _id(data, "client_id")
    email = _text(data, "client_email", max_length=254)
    if client_id is not None:
        client = Client.objects.filter(pk=client_id).first()
        if client is None:
            raise bad(_("No client has this id."), "client_id")
        return client
    if not email:
        raise bad(_("Give the client's client_id or client_email."), "client_id")
    found = list(Client.objects.filter(email__iexact=email).order_by("pk")[:2])
    if not found:
        raise bad(_("No client has this email: add the client first."), "client_email")
    if len(found) > 1:
        raise bad(_("Several clients have this email: give the client_id."), "client_email")
    return found[0]


def _product(data: dict) -> Product | None:
    product_id = _id(data, "product_id")
    if product_id is None:
        return None
    product = Product.objects.filter(pk=product_id).first()
    if product is None:
        raise bad(_("No product or service has this id."), "product_id")
    return product


def new_charge(data: dict) -> dict:
    """``add_charge``'s arguments for the charge ``data`` describes; raises ``ApiError`` on
    the first field to correct. Rules about the charge itself (amounts, currencies) are the
    service's."""
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise bad(_("Unknown field."), unknown[0][:100])
    due_text = _text(data, "due_date", required=True, max_length=10)
    due_date = iso_date(due_text)
    if due_date is None:
        raise bad(_("Must be a date written YYYY-MM-DD."), "due_date")
    source = _text(data, "source", max_length=20) or Charge.Source.MANUAL
    if source not in Charge.Source.values:
        raise bad(
            _("Must be one of: %(values)s.") % {"values": ", ".join(Charge.Source.values)},
            "source",
        )
    return dict(
        client=_client(data),
        description=_text(data, "description", required=True),
        quantity=_decimal(data, "quantity", Decimal(1)),
        unit_price=_decimal(data, "unit_price"),
        currency=_text(data, "currency", required=True, max_length=3).upper(),
        due_date=due_date,
        source=source,
        product=_product(data),
        external_id=_text(data, "external_id", max_length=100),
    )


def as_json(charge: Charge) -> dict:
    """A charge as the API shows it: amounts as strings in the currency's own decimals."""

    def stamp(value):
        return value.isoformat() if value else None

    return {
        "id": charge.pk,
        "object": "charge",
        "client_id": charge.client_id,
        "description": charge.description,
        "quantity": str(plain_decimal(charge.quantity)),
        "unit_price": str(round_to_minor(charge.unit_price, charge.currency)),
        "amount": str(round_to_minor(charge.amount, charge.currency)),
        "currency": charge.currency,
        "due_date": charge.due_date.isoformat(),
        "source": charge.source,
        "state": charge.state,
        "product_id": charge.product_id,
        "external_id": charge.external_id or None,
        "request_id": charge.request_id,
        "created_at": stamp(charge.created_at),
        "billed_at": stamp(charge.billed_at),
        "paid_at": stamp(charge.paid_at),
        "canceled_at": stamp(charge.canceled_at),
    }
