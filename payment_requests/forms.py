from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from billing_saas import languages
from billing_saas.number_input import LocalizedDecimalField
from billing_saas.query_params import positive_int
from clients.models import Client
from clients.widgets import ClientPicker
from payment_requests.line_forms import LineFormSet, initial_lines, lines_data, offered_rates
from payment_requests.models import CURRENCIES, BillingSettings, PaymentRequest, TaxRate
from payment_requests.uploads import check_upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if len(files) > settings.ATTACHMENT_MAX_FILES:
            raise ValidationError(
                _("Attach at most %(count)s files.") % {"count": settings.ATTACHMENT_MAX_FILES}
            )
        checked = []
        errors = []
        for upload in files:
            try:
                checked.append((upload, check_upload(upload)))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


class PaymentRequestForm(forms.ModelForm):
    client = forms.ModelChoiceField(
        queryset=Client.objects.all(),
        required=False,
        label=_("Client"),
        widget=ClientPicker(placeholder=_("Search your clients, or add a new one below")),
    )
    new_client_name = forms.CharField(label=_("New client's name"), max_length=200, required=False)
    new_client_email = forms.EmailField(label=_("New client's email"), required=False)
    new_client_company = forms.CharField(label=_("Company"), max_length=200, required=False)
    success_url = forms.URLField(
        label=_("After payment, send the client to"),
        required=False,
        assume_scheme="https",
        max_length=200,
    )
    cancel_url = forms.URLField(
        label=_("If the client cancels, send them to"),
        required=False,
        assume_scheme="https",
        max_length=200,
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, images, text, CSV, Word or Excel; up to 10 MB each, 5 files."),
    )

    class Meta:
        model = PaymentRequest
        fields = [
            "kind",
            "description",
            "client",
            "currency",
            "due_date",
            "billing_type",
            "notify_by",
            "success_url",
            "cancel_url",
        ]
        widgets = {
            "notify_by": forms.RadioSelect,
            "due_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.TextInput(attrs={"placeholder": _("Consulting – June 2024")}),
        }

    def __init__(self, data=None, files=None, *, locked: bool = False, lines_from=None,
                 **kwargs):  # fmt: skip
        """``lines_from``: the request whose lines a new one starts from ("copy")."""
        super().__init__(data, files, **kwargs)
        self.fields["currency"].choices = CURRENCIES
        self.locked = locked
        self.line_drafts: list = []
        self.totals = None
        initial = initial_lines(self.instance if self.instance.pk else lines_from)
        rates = offered_rates(initial)
        self.offers_taxes = rates.exists()
        self.lines = LineFormSet(
            None if locked else lines_data(data), initial=initial, tax_rates=rates
        )
        if locked:
            # Shown, not edited: its lines made it and they are locked too.
            self.fields["amount"] = LocalizedDecimalField(
                label=_("Amount"), required=False, initial=self.instance.amount
            )
            for name in PaymentRequest.LOCKED_FIELDS:
                self.fields[name].disabled = True
            for name in (
                "new_client_name",
                "new_client_email",
                "new_client_company",
                "attachments",
            ):
                del self.fields[name]
        else:
            self._offer_what_the_platform_does()

    def _offer_what_the_platform_does(self):
        """Payment links only where the request's platform has them (``Capability``)."""
        from connectors.base import Capability
        from connectors.registry import capabilities_of
        from payment_requests.services import default_connection

        connection = self.instance.connection if self.instance.connection_id else None
        connection = connection or default_connection()
        if connection is not None and Capability.PAYMENT_LINKS not in capabilities_of(connection):
            link = PaymentRequest.BillingType.PAYMENT_LINK
            field = self.fields["billing_type"]
            field.choices = [choice for choice in field.choices if choice[0] != link]

    @property
    def saves(self) -> bool:
        """Save (or send); "Add a line" and "Recalculate" only show the form again."""
        return self.data.get("action") not in ("add_line", "recalculate")

    def is_valid(self):
        return super().is_valid() and (self.locked or self.lines.is_valid())

    def clean(self):
        data = super().clean()
        if self.locked:
            return data
        self._price_the_lines(data)
        self._refuse_amounts_the_platform_refuses(data)
        if not data.get("client"):
            if not data.get("new_client_name") or not data.get("new_client_email"):
                self.add_error(
                    "client", _("Choose a client or enter the new client's name and email.")
                )
        due = data.get("due_date")
        if due and not self.instance.pk:
            from django.utils import timezone

            if due < timezone.localdate():
                self.add_error("due_date", _("The due date cannot be in the past."))
        return data

    def _refuse_amounts_the_platform_refuses(self, data):
        """Amounts above the platform's maximum would fail only at send: refuse them now."""
        from connectors.registry import max_amount
        from payment_requests.services import default_connection
        from payment_requests.templatetags.money import money

        currency = data.get("currency")
        if self.totals is None or not currency:
            return
        connection = self.instance.connection if self.instance.connection_id else None
        limit, platform = max_amount(connection or default_connection(), currency)
        if self.totals.total > limit:
            self.add_error(
                None,
                _("%(platform)s accepts at most %(limit)s per payment.")
                % {"platform": platform, "limit": money(limit, currency)},
            )
        elif self.totals.total <= 0:
            self.add_error(None, _("The amount must be greater than zero."))

    def _price_the_lines(self, data):
        """Each line checked by the rounding rule's own checks (``payment_requests/totals.py``),
        its errors shown on it; the totals computed once every line is right."""
        from payment_requests.services.lines import LineDraft
        from payment_requests.totals import LineRefused, check_line, price_line, totals

        currency = data.get("currency")
        if not self.lines.is_valid() or not currency:
            return
        drafts, priced = [], []
        for number, line in enumerate(self.lines.kept_forms(), start=1):
            values = line.cleaned_data
            description = values["description"] or (data.get("description") if number == 1 else "")
            if not description:
                line.add_error("description", _("Describe this line."))
                continue
            try:
                check_line(values["quantity"], values["unit_price"], values["discount"], currency)
            except LineRefused as refused:
                line.add_error(refused.field, refused.message)
                continue
            rates = tuple(values["taxes"])
            drafts.append(
                LineDraft(description, values["quantity"], values["unit_price"],
                          values["discount"], rates)
            )  # fmt: skip
            priced.append(
                price_line(description, values["quantity"], values["unit_price"], currency,
                           discount=values["discount"], rates=rates)
            )  # fmt: skip
        if len(drafts) == len(self.lines.kept_forms()):
            self.line_drafts = drafts
            self.totals = totals(priced, currency)


class PercentField(LocalizedDecimalField):
    """A rate in percent: ``9.975`` and ``9,975`` can only be a decimal (no rate runs into
    thousands), where an amount field would ask which was meant."""

    def to_python(self, value):
        text = str(value or "").strip()
        if re.fullmatch(r"\d{1,3}[.,]\d{1,3}", text):
            return Decimal(text.replace(",", "."))
        return super().to_python(value)


class TaxRateForm(forms.ModelForm):
    rate = PercentField(
        label=_("Rate (%)"),
        max_digits=6,
        decimal_places=3,
        min_value=0,
        max_value=100,
        help_text=_("In percent, up to three decimals: 9.975"),
    )

    class Meta:
        model = TaxRate
        fields = ["name", "rate"]
        widgets = {"name": forms.TextInput(attrs={"placeholder": _("GST, QST, VAT…")})}


def _time_zones():
    import zoneinfo

    return [
        (zone, zone.replace("_", " "))
        for zone in sorted(zoneinfo.available_timezones())
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "posix/", "right/"))
    ]


class SettingsForm(forms.ModelForm):
    connection = forms.ModelChoiceField(
        queryset=None,
        label=_("Payment platform for new requests"),
        required=False,
        empty_label=_("The newest connected account"),
        help_text=_("Requests already sent keep their platform."),
    )
    time_zone = forms.ChoiceField(
        label=_("Account time zone"),
        choices=_time_zones,
        help_text=_("Due dates, reminders and “paid this month” follow this time zone."),
    )
    language = forms.ChoiceField(
        label=_("Account language"),
        required=False,  # left out: unchanged
        choices=languages.choices,
        help_text=_(
            "For members who have not chosen theirs, and for clients who have no language of "
            "their own."
        ),
    )
    country = forms.ChoiceField(
        label=_("Country"),
        required=False,
        choices=lambda: languages.country_choices(_("Not set")),
        help_text=_("Amounts and dates are written as they are there."),
    )

    class Meta:
        model = BillingSettings
        fields = [
            "remind_before_days",
            "remind_after_days",
            "sender_name",
            "brand_color",
            "logo",
            "address",
            "tax_ids",
            "attach_pdf",
        ]
        widgets = {
            "brand_color": forms.TextInput(attrs={"type": "color"}),
            "address": forms.Textarea(attrs={"rows": 3}),
            "tax_ids": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from connectors.models import Connection

        self.fields["connection"].queryset = Connection.objects.filter(
            status=Connection.Status.CONNECTED
        )

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload
            content_type = check_upload(logo)
            if content_type not in ("image/png", "image/jpeg") or logo.size > 1024 * 1024:
                raise ValidationError(_("The logo must be a PNG or JPEG image under 1 MB."))
        return logo

    def _clean_days(self, name):
        value = self.cleaned_data[name]
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if any(positive_int(part, maximum=90) is None for part in parts):
            raise ValidationError(_("Enter days between 1 and 90, separated by commas."))
        return ",".join(parts)

    def clean_remind_before_days(self):
        return self._clean_days("remind_before_days")

    def clean_remind_after_days(self):
        return self._clean_days("remind_after_days")
