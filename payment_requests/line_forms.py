"""The request form's lines: a formset of description, quantity, unit price, discount and
taxes (checkboxes of the account's active rates).

One line is the quick path: the form opens with one, and a post in the form's older shape
(a ``description`` and an ``amount``, no lines) is read as that one line.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from billing_saas.number_input import LocalizedDecimalField, LocalizedDecimalInput
from payment_requests.models import PaymentRequest, TaxRate
from payment_requests.totals import plain_decimal

PREFIX = "lines"
MAX_LINES = 100


THOUSANDTH = Decimal("0.001")


class QuantityInput(LocalizedDecimalInput):
    def format_value(self, value):
        # 1.125 shown as "1.125" would come back ambiguous (1125 or 1.125?): "1.1250" cannot.
        if isinstance(value, Decimal) and value.as_tuple().exponent == -3:
            value = value.quantize(Decimal("0.0001"))
        return super().format_value(value)


class QuantityField(LocalizedDecimalField):
    """Up to three decimals; trailing zeros (``1.1250``, as shown back) do not count."""

    widget = QuantityInput

    def to_python(self, value):
        number = super().to_python(value)
        if number is not None and number.is_finite() and number.as_tuple().exponent < -3:
            try:
                rounded = number.quantize(THOUSANDTH)
            except InvalidOperation:  # too many digits: the field's own check says so
                return number
            return rounded if rounded == number else number
        return number


class LineForm(forms.Form):
    description = forms.CharField(label=_("Item"), max_length=300, required=False)
    quantity = QuantityField(label=_("Quantity"), max_digits=12, decimal_places=3, initial=1)
    unit_price = LocalizedDecimalField(label=_("Unit price"), max_digits=12, decimal_places=2)
    discount = LocalizedDecimalField(
        label=_("Discount"), max_digits=12, decimal_places=2, required=False
    )
    taxes = forms.ModelMultipleChoiceField(
        label=_("Taxes"),
        queryset=TaxRate.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, tax_rates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if tax_rates is not None:
            self.fields["taxes"].queryset = tax_rates


class BaseLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, tax_rates=None, **kwargs):
        kwargs.setdefault("form_kwargs", {})["tax_rates"] = tax_rates
        super().__init__(*args, prefix=PREFIX, **kwargs)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if i == 0:  # the quick path: one line, described by the request's description
            form.fields["description"].widget.attrs["placeholder"] = _(
                "Same as the description above"
            )
        return form

    def kept_forms(self) -> list[LineForm]:
        """The lines to save: filled in and not removed (a blank added line is skipped)."""
        return [
            form
            for form in self.forms
            if form.cleaned_data and not (self.can_delete and self._should_delete_form(form))
        ]


LineFormSet = forms.formset_factory(
    LineForm,
    formset=BaseLineFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_LINES,
    validate_max=True,
    absolute_max=MAX_LINES,
    can_delete=True,
)


def lines_data(data):
    """The posted lines; the older shape (``description`` and ``amount``) is one line, and
    "Add a line" asks for one more, empty, form."""
    if data is None:
        return None
    data = data.copy()
    if f"{PREFIX}-TOTAL_FORMS" not in data:
        data.update(
            {
                f"{PREFIX}-TOTAL_FORMS": "1",
                f"{PREFIX}-INITIAL_FORMS": "1",
                f"{PREFIX}-0-description": data.get("description", ""),
                f"{PREFIX}-0-quantity": "1",
                f"{PREFIX}-0-unit_price": data.get("amount", ""),
            }
        )
    if data.get("action") == "add_line":
        try:
            count = int(data.get(f"{PREFIX}-TOTAL_FORMS", ""))
        except ValueError:
            count = None
        if count is not None and 0 <= count < MAX_LINES:
            data[f"{PREFIX}-TOTAL_FORMS"] = str(count + 1)
    return data


def initial_lines(request: PaymentRequest | None) -> list[dict]:
    """A request's lines as the form shows them (for editing it, or copying it)."""
    if request is None:
        return [{}]
    lines = request.lines.prefetch_related("applied_taxes")
    return [
        {
            "description": line.description,
            "quantity": plain_decimal(line.quantity),
            "unit_price": line.unit_price,
            "discount": line.discount or None,
            "taxes": [tax.tax_rate_id for tax in line.applied_taxes.all()],
        }
        for line in lines
    ] or [{"description": request.description, "quantity": 1, "unit_price": request.amount}]


def offered_rates(initial: list[dict]):
    """The active rates, and the ones the lines already have (even if deactivated since)."""
    used = {pk for line in initial for pk in line.get("taxes", ())}
    return TaxRate.objects.filter(Q(active=True) | Q(pk__in=used))
