"""The catalog: Products and their Prices, one-off or recurring (the plans subscriptions use).

A Price never changes what it charges: to charge another amount, Stripe makes a new Price and
archives the old one (``active=false``); an archived Price still bills the subscriptions on
it but cannot start new ones. A ``lookup_key`` names one Price of the account at a time
(``transfer_lookup_key`` moves it to a new Price).
"""

from __future__ import annotations

from emulators.stripe.objects import build, new_id, page_of
from emulators.stripe.state.core import AccountData, StripeError, _bool, _int, public

INTERVALS = ("day", "week", "month", "year")
# Stripe's longest billing period: three years, whatever the interval it is counted in.
MAX_INTERVAL_COUNT = {"day": 1095, "week": 156, "month": 36, "year": 3}
PRODUCT_EDITABLE = ("name", "description", "active", "url", "unit_label")


def _recurring(value, param: str) -> dict | None:
    if not value:
        return None
    interval = value.get("interval") if isinstance(value, dict) else None
    if interval not in INTERVALS:
        raise StripeError(
            400, "Invalid recurring[interval]: must be one of day, week, month, or year",
            param=f"{param}[interval]",
        )  # fmt: skip
    count = _int(value.get("interval_count"), f"{param}[interval_count]") or 1
    if not 1 <= count <= MAX_INTERVAL_COUNT[interval]:
        raise StripeError(
            400, "The maximum billing period is three years.", param=f"{param}[interval_count]"
        )
    return {"interval": interval, "interval_count": count, "meter": None,
            "usage_type": "licensed", "trial_period_days": None}  # fmt: skip


class CatalogMixin:
    """``/v1/products`` and ``/v1/prices``."""

    def create_product(self, data: AccountData, params: dict, livemode: bool) -> dict:
        if not params.get("name"):
            raise StripeError(400, "Missing required param: name.", code="parameter_missing",
                              param="name")  # fmt: skip
        product = build(
            "product",
            id=params.get("id") or new_id("product"),
            active=_bool(params.get("active", "true")), created=self.now(), updated=self.now(),
            default_price=None, description=params.get("description") or None, images=[],
            marketing_features=[], metadata=params.get("metadata") or {}, name=params["name"],
            package_dimensions=None, shippable=None, statement_descriptor=None, tax_code=None,
            unit_label=params.get("unit_label"), url=params.get("url"), type="service",
        )  # fmt: skip
        if product["id"] in data.objects:
            raise StripeError(400, f"Product already exists: {product['id']}", param="id",
                              code="resource_already_exists")  # fmt: skip
        self.store(data, product, livemode)
        self.emit(data.account["id"], "product.created", product)
        price_data = params.get("default_price_data")
        if price_data:
            price = self.create_price(data, {**price_data, "product": product["id"]}, livemode)
            self.update_product(data, product["id"], {"default_price": price["id"]})
        return product

    def update_product(self, data: AccountData, product_id: str, params: dict) -> dict:
        product = self.product(data, product_id)
        changes = {key: params[key] for key in PRODUCT_EDITABLE if key in params}
        if "active" in changes:
            changes["active"] = _bool(changes["active"])
        if "default_price" in params:
            price = self.price(data, params["default_price"])
            if price["product"] != product["id"]:
                raise StripeError(400, "The price belongs to another product.",
                                  param="default_price")  # fmt: skip
            changes["default_price"] = price["id"]
        return self._changed(data, product, changes, params.get("metadata"), "product.updated")

    def product(self, data: AccountData, product_id: str) -> dict:
        product = data.objects.get(product_id or "")
        if product is None or product.get("object") != "product":
            raise StripeError(404, f"No such product: '{product_id}'", code="resource_missing",
                              param="product")  # fmt: skip
        return product

    def list_products(self, data: AccountData, params: dict, url: str) -> dict:
        rows = self._catalog(data, "product", params)
        return page_of(rows, params, url)

    def create_price(self, data: AccountData, params: dict, livemode: bool) -> dict:
        currency = (params.get("currency") or "").lower()
        if len(currency) != 3:
            raise StripeError(400, "Missing required param: currency.", code="parameter_missing",
                              param="currency")  # fmt: skip
        unit_amount = _int(params.get("unit_amount"), "unit_amount")
        if unit_amount is None or unit_amount < 0:
            raise StripeError(400, "unit_amount must be a non-negative integer",
                              param="unit_amount")  # fmt: skip
        if params.get("product_data"):
            product = self.create_product(data, params["product_data"], livemode)
        else:
            product = self.product(data, params.get("product"))
        recurring = _recurring(params.get("recurring"), "recurring")
        price = build(
            "price",
            id=new_id("price"),
            active=_bool(params.get("active", "true")), billing_scheme="per_unit",
            created=self.now(), currency=currency, custom_unit_amount=None, lookup_key=None,
            metadata=params.get("metadata") or {}, nickname=params.get("nickname"),
            product=product["id"], recurring=recurring, tax_behavior="unspecified",
            tiers_mode=None, transform_quantity=None,
            type="recurring" if recurring else "one_time",
            unit_amount=unit_amount, unit_amount_decimal=str(unit_amount),
        )  # fmt: skip
        self.store(data, price, livemode)
        self._claim_lookup_key(data, price, params)
        self.emit(data.account["id"], "price.created", price)
        return price

    def update_price(self, data: AccountData, price_id: str, params: dict) -> dict:
        """What may change on a Price: whether it is active, its nickname, lookup key and
        metadata; never its amount or interval."""
        price = self.price(data, price_id)
        changes = {key: params[key] for key in ("nickname",) if key in params}
        if "active" in params:
            changes["active"] = _bool(params["active"])
        previous = {"lookup_key": price["lookup_key"]}
        if "lookup_key" in params:
            self._claim_lookup_key(data, price, params)
        if price["lookup_key"] == previous["lookup_key"]:
            previous = {}
        return self._changed(data, price, changes, params.get("metadata"), "price.updated",
                             previous)  # fmt: skip

    def price(self, data: AccountData, price_id: str, param: str = "price") -> dict:
        price = data.objects.get(price_id or "")
        if price is None or price.get("object") != "price":
            raise StripeError(404, f"No such price: '{price_id}'", code="resource_missing",
                              param=param)  # fmt: skip
        return price

    def list_prices(self, data: AccountData, params: dict, url: str) -> dict:
        rows = self._catalog(data, "price", params)
        keys = params.get("lookup_keys")
        for field, wanted in (("product", params.get("product")), ("type", params.get("type")),
                              ("currency", (params.get("currency") or "").lower())):  # fmt: skip
            if wanted:
                rows = [row for row in rows if row[field] == wanted]
        if keys:
            rows = [row for row in rows if row["lookup_key"] in keys]
        return page_of(rows, params, url)

    def _catalog(self, data: AccountData, kind: str, params: dict) -> list[dict]:
        """The account's products or prices, newest first, filtered on ``active``."""
        rows = [public(obj) for obj in reversed(data.objects.values()) if obj.get("object") == kind]
        if params.get("active") not in (None, ""):
            rows = [row for row in rows if row["active"] == _bool(params["active"])]
        return rows

    def _claim_lookup_key(self, data: AccountData, price: dict, params: dict) -> None:
        key = params.get("lookup_key") or None
        if key is None:
            price["lookup_key"] = None
            return
        holder = next(
            (obj for obj in data.objects.values()
             if obj.get("object") == "price" and obj.get("lookup_key") == key
             and obj["id"] != price["id"]),
            None,
        )  # fmt: skip
        if holder is not None:
            if not _bool(params.get("transfer_lookup_key")):
                raise StripeError(
                    400,
                    f"A price (`{holder['id']}`) already uses that lookup key.",
                    param="lookup_key",
                )
            holder["lookup_key"] = None
        price["lookup_key"] = key

    def _changed(self, data, obj, changes, metadata, event_type, previous=None) -> dict:
        """Applies ``changes`` and ``metadata`` to ``obj``; tells of it when anything changed."""
        previous = dict(previous or {})
        for key, value in changes.items():
            if obj[key] != value:
                previous[key] = obj[key]
                obj[key] = value
        if metadata:
            previous["metadata"] = dict(obj["metadata"])
            obj["metadata"].update(metadata)
        if "updated" in obj and previous:
            obj["updated"] = self.now()
        if previous:
            self.emit(data.account["id"], event_type, obj, previous)
        self.save()
        return obj
