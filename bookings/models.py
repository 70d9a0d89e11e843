"""Bookings: a client's appointment for a service of the catalog.

A booking of a priced service makes its charge at once (``bookings/services.py``), due on the
day of the appointment, so automated invoicing bills it with the client's other charges.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clients.models import Client


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        COMPLETED = "completed", _("Completed")
        CANCELED = "canceled", _("Canceled")

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("client")
    )
    service = models.ForeignKey(
        "products.Product",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    charge = models.OneToOneField(
        "charges.Charge", null=True, blank=True, on_delete=models.PROTECT, related_name="booking"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["-starts_at", "-id"], name="booking_newest")]

    def __str__(self) -> str:
        return f"{self.service_id} for {self.client_id} at {self.starts_at:%Y-%m-%d %H:%M}"
