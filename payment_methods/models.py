"""The client's saved cards and bank accounts: a mirror of what the payment platform keeps.

The platform holds the method itself (its number and security code never reach us); a row
here is what a person needs to tell the methods apart, refreshed from the platform
(``services.sync``). A removed method keeps its row, with ``removed_at``: the history of who
added what, and when, stays.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client
from connectors.models import Connection


class SavedPaymentMethod(models.Model):
    class Kind(models.TextChoices):
        CARD = "card", _("Card")
        BANK = "bank", _("Bank account")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="saved_methods")
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    remote_id = models.CharField(max_length=100)  # the platform's id ("pm_…")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CARD)
    brand = models.CharField(max_length=50, blank=True)
    last4 = models.CharField(max_length=4, blank=True)
    exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    exp_year = models.PositiveSmallIntegerField(null=True, blank=True)
    is_default = models.BooleanField(default=False)
    added_at = models.DateTimeField(default=timezone.now)
    # A member who added it from the client's portal, on the client's behalf; None: the client.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "remote_id"], name="one_saved_method_per_remote_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.brand} •••• {self.last4}"

    @property
    def label(self) -> str:
        """What the client reads: "Visa •••• 4242"."""
        brand = self.brand.title() if self.kind == self.Kind.CARD else self.brand
        return f"{brand or self.get_kind_display()} •••• {self.last4}"

    @property
    def is_expired(self) -> bool:
        """A card is good until the end of its expiry month."""
        if not (self.exp_month and self.exp_year):
            return False
        today = timezone.localdate()
        return (self.exp_year, self.exp_month) < (today.year, today.month)
