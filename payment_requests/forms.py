from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from billing_saas import languages
from billing_saas.number_input import LocalizedDecimalField
from billing_saas.query_params import positive_int
from clients.models import Client
from clients.widgets import ClientPicker
from payment_requests.models import CURRENCIES, BillingSettings, PaymentRequest
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
            "amount",
            "currency",
            "due_date",
            "billing_type",
            "success_url",
            "cancel_url",
        ]
        field_classes = {"amount": LocalizedDecimalField}
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.TextInput(attrs={"placeholder": _("Consulting – June 2024")}),
        }

    def __init__(self, *args, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = CURRENCIES
        self.locked = locked
        if locked:
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

    def clean(self):
        data = super().clean()
        if self.locked:
            return data
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

        amount, currency = data.get("amount"), data.get("currency")
        if amount is None or not currency:
            return
        connection = self.instance.connection if self.instance.connection_id else None
        limit, platform = max_amount(connection or default_connection(), currency)
        if amount > limit:
            self.add_error(
                "amount",
                _("%(platform)s accepts at most %(limit)s per payment.")
                % {"platform": platform, "limit": money(limit, currency)},
            )


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
        fields = ["remind_before_days", "remind_after_days", "sender_name", "brand_color", "logo"]
        widgets = {"brand_color": forms.TextInput(attrs={"type": "color"})}

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
