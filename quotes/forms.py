"""The quote builder's form: the client (picked, or new), currency, validity, notes, and its
lines, written by hand or added from the catalog (``products``), with their total.

The lines are the request form's (``payment_requests/line_forms.py``) plus the product each
was picked from and its unit, so the quote keeps what it sold."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from billing_saas.number_input import format_decimal_for_input
from clients.models import Client
from clients.widgets import ClientPicker
from payment_requests.line_forms import (
    MAX_LINES,
    PREFIX,
    BaseLineFormSet,
    LineForm,
    lines_data,
    offered_rates,
)
from payment_requests.models import CURRENCIES
from payment_requests.services.lines import LineDraft
from payment_requests.totals import LineRefused, check_line, plain_decimal, price_line, totals
from products.forms import ProductForm
from products.models import Product
from quotes.models import Quote
from quotes.services import account_today

# What a post asks besides saving: the form is shown again, changed.
REDRAWS = ("add_line", "recalculate", "add_product", "new_product")


class QuoteLineForm(LineForm):
    product = forms.ModelChoiceField(
        queryset=Product.objects.all(), required=False, widget=forms.HiddenInput
    )
    unit = forms.CharField(max_length=10, required=False, widget=forms.HiddenInput)

    def unit_label(self) -> str:
        """ "hour" as the reader says it (the unit travels as its code)."""
        return dict(Product.Unit.choices).get(self["unit"].value() or "", "")


QuoteLineFormSet = forms.formset_factory(
    QuoteLineForm,
    formset=BaseLineFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_LINES,
    validate_max=True,
    absolute_max=MAX_LINES,
    can_delete=True,
)


class QuoteForm(forms.ModelForm):
    client = forms.ModelChoiceField(
        queryset=Client.objects.all(),
        required=False,
        label=_lazy("Client"),
        widget=ClientPicker(placeholder=_lazy("Search your clients, or add a new one below")),
    )
    new_client_name = forms.CharField(
        label=_lazy("New client's name"), max_length=200, required=False
    )
    new_client_email = forms.EmailField(label=_lazy("New client's email"), required=False)
    new_client_company = forms.CharField(label=_lazy("Company"), max_length=200, required=False)
    add_product = forms.ModelChoiceField(
        queryset=Product.objects.active().order_by("name", "pk"),
        required=False,
        label=_lazy("Add from your catalog"),
        empty_label=_lazy("Choose a product or service"),
    )

    class Meta:
        model = Quote
        fields = ["client", "title", "currency", "valid_until", "notes"]
        widgets = {
            "valid_until": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "title": forms.TextInput(attrs={"placeholder": _lazy("Kitchen renovation")}),
        }

    def __init__(self, data=None, *, instance=None, initial=None):
        self.action = (data or {}).get("action", "")
        if data is not None and self.action == "add_product":
            data = _with_product_line(data)
        super().__init__(data, instance=instance, initial=initial)
        self.fields["currency"].choices = CURRENCIES
        self.line_drafts: list[LineDraft] = []
        self.totals = None
        lines = _initial_lines(instance)
        rates = offered_rates(lines)
        self.offers_taxes = rates.exists()
        self.lines = QuoteLineFormSet(lines_data(data), initial=lines, tax_rates=rates)
        for line in self.lines.forms:
            line.fields["description"].widget.attrs.pop("placeholder", None)
        # The seed's "+": a new product for the catalog, added to the quote at once.
        self.new_product = ProductForm(
            _new_product_data(data) if self.action == "new_product" else None, prefix="product"
        )

    @property
    def saves(self) -> bool:
        return self.action not in REDRAWS

    def is_valid(self):
        return super().is_valid() and self.lines.is_valid()

    def clean(self):
        data = super().clean()
        self._price_the_lines(data)
        if not data.get("client") and (
            not data.get("new_client_name") or not data.get("new_client_email")
        ):
            self.add_error("client", _("Choose a client or enter the new client's name and email."))
        valid_until = data.get("valid_until")
        if valid_until and valid_until < account_today():
            self.add_error("valid_until", _("The validity date cannot be in the past."))
        product = data.get("add_product")
        if self.action == "add_product" and product and product.currency != data.get("currency"):
            self.add_error(
                "add_product",
                _("%(name)s is priced in %(product)s; this quote is in %(quote)s.")
                % {
                    "name": product.name,
                    "product": product.currency,
                    "quote": data.get("currency"),
                },
            )
        return data

    def _price_the_lines(self, data):
        """Each line checked by the rounding rule's own checks, its errors shown on it; the
        total computed once every line is right."""
        currency = data.get("currency")
        if not self.lines.is_valid() or not currency:
            return
        drafts, priced = [], []
        kept = self.lines.kept_forms()
        for line in kept:
            values = line.cleaned_data
            if not values["description"]:
                line.add_error("description", _("Describe this line."))
                continue
            try:
                check_line(values["quantity"], values["unit_price"], values["discount"], currency)
            except LineRefused as refused:
                line.add_error(refused.field, refused.message)
                continue
            rates = tuple(values["taxes"])
            drafts.append(
                LineDraft(
                    values["description"],
                    values["quantity"],
                    values["unit_price"],
                    values["discount"],
                    rates,
                    unit=values["unit"],
                    product=values["product"],
                )
            )
            priced.append(
                price_line(
                    values["description"],
                    values["quantity"],
                    values["unit_price"],
                    currency,
                    discount=values["discount"],
                    rates=rates,
                )
            )
        if kept and len(drafts) == len(kept):
            self.line_drafts = drafts
            self.totals = totals(priced, currency)

    def client_fields(self) -> tuple[Client | None, dict | None]:
        """(the chosen client, or None and the new client's fields)."""
        data = self.cleaned_data
        if data["client"] is not None:
            return data["client"], None
        return None, {
            "name": data["new_client_name"],
            "email": data["new_client_email"],
            "company": data.get("new_client_company", ""),
        }

    def quote_fields(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in ("title", "currency", "valid_until", "notes")
        }


def _initial_lines(quote: Quote | None) -> list[dict]:
    if quote is None or quote.pk is None:
        return [{}]
    return [
        {
            "description": line.description,
            "quantity": plain_decimal(line.quantity),
            "unit_price": line.unit_price,
            "discount": line.discount or None,
            "taxes": [tax.tax_rate_id for tax in line.applied_taxes.all()],
            "product": line.product_id,
            "unit": line.unit,
        }
        for line in quote.lines.prefetch_related("applied_taxes")
    ] or [{}]


def _new_product_data(data):
    data = data.copy()
    data["product-currency"] = data.get("currency", "")
    return data


def _with_product_line(data, product: Product | None = None):
    """The posted lines and one more, filled from the chosen product (``line_from_product``):
    its name, price, unit and active taxes. An empty first line is filled instead."""
    from products.services import line_from_product

    if product is None:
        from billing_saas.query_params import positive_int

        pk = positive_int(data.get("add_product"))
        product = Product.objects.active().filter(pk=pk).first() if pk else None
    data = lines_data(data)
    if product is None or product.currency != data.get("currency"):
        return data  # the form says why (clean)
    try:
        count = int(data.get(f"{PREFIX}-TOTAL_FORMS", ""))
    except ValueError:
        return data
    if not 0 <= count < MAX_LINES:
        return data
    first_blank = count == 1 and not any(
        data.get(f"{PREFIX}-0-{name}") for name in ("description", "unit_price")
    )
    index = 0 if first_blank else count
    line = line_from_product(product)
    for name, value in (
        ("description", line.description),
        ("quantity", "1"),
        ("unit_price", format_decimal_for_input(line.unit_price)),
        ("discount", ""),
        ("product", str(product.pk)),
        ("unit", line.unit),
    ):
        data[f"{PREFIX}-{index}-{name}"] = value
    data.setlist(f"{PREFIX}-{index}-taxes", [str(rate.pk) for rate in line.tax_rates])
    data[f"{PREFIX}-TOTAL_FORMS"] = str(index + 1 if not first_blank else count)
    data["add_product"] = ""
    return data


def with_new_product(data, product: Product):
    """The posted lines and a line for the product just created from the builder."""
    data = data.copy()
    data["action"] = "recalculate"  # shown again with its new line, not added twice
    return _with_product_line(data, product)
