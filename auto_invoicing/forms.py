"""The Auto-send invoices settings form (Settings → Payments → Auto-send invoices)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from auto_invoicing.models import AutoInvoicing, Cycle, Mode

# The seed's explanation of each mode, shown on its card.
MODE_HELP = {
    Mode.DRAFT: _(
        "A draft invoice appears in Client Billing for you to review, edit and confirm. "
        "Best if you prefer to check each invoice before it leaves."
    ),
    Mode.INVOICES: _(
        "The invoice is sent to the client at once, on each cycle: no drafts to review and approve."
    ),
    Mode.PAYMENT_LINKS: _(
        "One payment link for the total is sent at once, on each cycle. No invoice is created."
    ),
}


class AutoInvoicingForm(forms.ModelForm):
    # A select of "00:00" … "23:00" rather than a number to type.
    hour = forms.TypedChoiceField(
        label=_("At"),
        coerce=int,
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
    )

    class Meta:
        model = AutoInvoicing
        fields = ["enabled", "mode", "cycle", "weekday", "month_day", "hour", "due_days", "channel"]
        widgets = {
            "mode": forms.RadioSelect,
            "cycle": forms.RadioSelect,
            "channel": forms.RadioSelect,
            "month_day": forms.NumberInput(attrs={"min": 1, "max": 31, "inputmode": "numeric"}),
            "due_days": forms.NumberInput(attrs={"min": 0, "max": 365, "inputmode": "numeric"}),
        }
        error_messages = {
            "month_day": {
                "min_value": _("Choose a day between 1 and 31."),
                "max_value": _("Choose a day between 1 and 31."),
                "invalid": _("Choose a day between 1 and 31."),
            },
            "due_days": {
                "max_value": _("Invoices can be due at most 365 days after they are sent."),
                "min_value": _("Enter a number of days, 0 or more."),
                "invalid": _("Enter a number of days, 0 or more."),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month_day"].help_text = _("The 31st means the month's last day.")
        self.fields["due_days"].help_text = _(
            "Invoices made by a run are due this many days after its day."
        )
        self.fields["month_day"].label = _("Day of the month")
        self.fields["month_day"].widget.attrs["min"] = 1
        self.fields["weekday"].label = _("Day of the week")

    def clean(self):
        data = super().clean()
        # Only the chosen cycle's day matters: a hidden field's odd value must not block a save
        # (it keeps its saved value instead).
        for name, cycle in (("weekday", Cycle.WEEKLY), ("month_day", Cycle.MONTHLY)):
            if data.get("cycle") != cycle and name in self.errors:
                del self.errors[name]
                data[name] = getattr(self.instance, name)
        return data

    def mode_cards(self):
        """The mode's radio buttons, each with its explanation."""
        return [(radio, MODE_HELP[radio.data["value"]]) for radio in self["mode"]]
