"""Which bookings the list shows: a period (upcoming first by default), a status, a search on
the client; and the list's address with those filters, to come back to after an action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking
from payment_requests.services.common import current_tenant

MAX_QUERY = 100
UPCOMING, PAST, CANCELED, ALL = "upcoming", "past", "canceled", "all"
PERIODS = [
    (UPCOMING, _("Upcoming")),
    (PAST, _("Past")),
    (CANCELED, _("Canceled")),
    (ALL, _("All")),
]
KEPT = ("show", "status", "q", "page")  # the list's own parameters, nothing else


@dataclass(frozen=True)
class Filters:
    period: str = UPCOMING
    status: str = ""
    query: str = ""

    @classmethod
    def read(cls, params: QueryDict) -> Filters:
        period = params.get("show", "")
        status = params.get("status", "")
        return cls(
            period=period if period in dict(PERIODS) else UPCOMING,
            status=status if status in Booking.Status.values else "",
            query=(params.get("q") or "").strip()[:MAX_QUERY],
        )

    def bookings(self) -> QuerySet[Booking]:
        """Upcoming ones from today (the account's day, so this morning's appointments are
        still there to complete), soonest first; the others newest first. Upcoming and Past
        leave canceled bookings out unless that status is asked for."""
        rows = Booking.objects.select_related("client", "service", "charge", "charge__request")
        zone = current_tenant().tzinfo
        today = datetime.combine(timezone.localdate(timezone.now(), zone), time(), tzinfo=zone)
        if self.period == UPCOMING:
            rows = rows.filter(starts_at__gte=today)
        elif self.period == PAST:
            rows = rows.filter(starts_at__lt=today)
        if self.status:
            rows = rows.filter(status=self.status)
        elif self.period == CANCELED:
            rows = rows.filter(status=Booking.Status.CANCELED)
        elif self.period in (UPCOMING, PAST):
            rows = rows.exclude(status=Booking.Status.CANCELED)
        if self.query:
            for word in self.query.split()[:5]:
                rows = rows.filter(
                    Q(client__name__icontains=word)
                    | Q(client__company__icontains=word)
                    | Q(client__email__icontains=word)
                )
        if self.period == UPCOMING:
            return rows.order_by("starts_at", "pk")
        return rows.order_by("-starts_at", "-pk")

    @property
    def narrowed(self) -> bool:
        return bool(self.status or self.query)


def list_query(raw: str) -> str:
    """``?show=past&page=2`` from what an action's form carried back (the list's query string
    when it was shown), keeping only the list's own parameters."""
    params = QueryDict((raw or "").lstrip("?"), mutable=True)
    kept = QueryDict(mutable=True)
    for name in KEPT:
        if value := params.get(name, "")[:MAX_QUERY]:
            kept[name] = value
    return f"?{kept.urlencode()}" if kept else ""
