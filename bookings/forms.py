"""The new-booking form: who, which service of the catalog, and when, in the account's time
zone (the booking is stored in UTC)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from billing_saas.money_format import format_money
from clients.models import Client
from clients.widgets import ClientPicker
from payment_requests.services.common import current_tenant
from products.models import Product

# How far from today a booking may be: past days are allowed (a salon records a walk-in, or
# the day's appointments in the evening); a year back bounds what a typo can bill.
DAYS_BACK = 366
DAYS_AHEAD = 2 * 366


class ServiceField(forms.ModelChoiceField):
    """The active services of the catalog, each with its price: "Haircut — €35.00 / session"."""

    def label_from_instance(self, product: Product) -> str:
        price = format_money(product.unit_price, product.currency)
        if product.unit:
            price = f"{price} / {product.get_unit_display()}"
        return f"{product.name} — {price}"


class BookingForm(forms.Form):
    client = forms.ModelChoiceField(
        queryset=Client.objects.all(),
        label=_lazy("Client"),
        widget=ClientPicker(placeholder=_lazy("Search your clients")),
        error_messages={
            "required": _lazy("Choose a client."),
            "invalid_choice": _lazy("Choose one of your clients."),
        },
    )
    # A plain select: every browser lets one type the first letters of a name in it, and a
    # catalog of services (a salon's, a consultant's) is tens of entries, not thousands.
    service = ServiceField(
        queryset=Product.objects.active().order_by("name", "pk"),
        label=_lazy("Service"),
        empty_label=_lazy("Choose a service"),
        error_messages={
            "required": _lazy("Choose a service."),
            "invalid_choice": _lazy(
                "Choose a service of your catalog (archived ones can no longer be booked)."
            ),
        },
    )
    date = forms.DateField(
        label=_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _lazy("Enter the day."), "invalid": _lazy("Enter a date.")},
    )
    time = forms.TimeField(
        label=_lazy("Time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": _lazy("Enter the time."), "invalid": _lazy("Enter a time.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = current_tenant().tzinfo
        self.starts_at: datetime | None = None

    def clean_date(self):
        day = self.cleaned_data["date"]
        today = timezone.localdate(timezone.now(), self.zone)
        if day < today - timedelta(days=DAYS_BACK):
            raise forms.ValidationError(_("A booking can be recorded up to a year back."))
        if day > today + timedelta(days=DAYS_AHEAD):
            raise forms.ValidationError(_("A booking can be made up to two years ahead."))
        return day

    def clean(self):
        data = super().clean()
        day, time = data.get("date"), data.get("time")
        if day is None or time is None:
            return data
        wall = datetime.combine(day, time.replace(second=0, microsecond=0))
        starts_at = wall.replace(tzinfo=self.zone)
        # A time the clocks skip (02:30 when they go forward) comes back from UTC as another
        # time: refuse it rather than book an hour off. A time they repeat takes the first.
        if starts_at.astimezone(UTC).astimezone(self.zone).replace(tzinfo=None) != wall:
            self.add_error(
                "time",
                _("This time does not exist on that day in %(zone)s (the clocks go forward).")
                % {"zone": self.zone.key},
            )
            return data
        self.starts_at = starts_at
        return data
