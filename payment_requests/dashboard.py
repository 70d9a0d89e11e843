"""What the Client Billing dashboard shows: the filtered list, its totals and counts.

Its cost must not grow with the account: the list reads one page through an index, and the
totals and the list's count are kept (see ``live``) until something changes, instead of
scanning every request on each view and each live refresh."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.paginator import Paginator
from django.db.models import F, Q, Sum
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import cached_property

from billing_saas.query_params import iso_date, positive_int
from payment_requests import live
from payment_requests.models import PaymentRequest
from payment_requests.services.messages import with_delivery_problem

Status = PaymentRequest.Status
# Not a status (a deleted request keeps its own): the filter that shows what was deleted.
DELETED = "deleted"
PAGE_SIZE = 25
MAX_QUERY = 100


def search_text(value: str) -> str:
    """Search text, bounded (what PostgreSQL cannot store never gets this far: input_guard)."""
    return (value or "").strip()[:MAX_QUERY]


@dataclass(frozen=True)
class Filters:
    q: str = ""
    status: str = ""
    client: int | None = None
    client_name: str = ""
    due_from: date | None = None
    due_to: date | None = None

    @classmethod
    def from_query(cls, params) -> Filters:
        status = params.get("status", "")
        return cls(
            q=search_text(params.get("q", "")),
            status=status if status in Status.values or status == DELETED else "",
            client=positive_int(params.get("client")),
            client_name=search_text(params.get("client_name", "")),
            due_from=iso_date(params.get("from")),
            due_to=iso_date(params.get("to")),
        )

    @property
    def active(self) -> int:
        # A picked client counts once, whether chosen from the list or typed.
        picked = bool(self.client or self.client_name)
        return sum(map(bool, (self.q, self.status, picked, self.due_from, self.due_to)))

    def query(self) -> QueryDict:
        """These filters as a query string, in one canonical form."""
        params = QueryDict(mutable=True)
        for name, value in (
            ("q", self.q),
            ("status", self.status),
            ("client", self.client),
            ("client_name", "" if self.client else self.client_name),
            ("from", self.due_from.isoformat() if self.due_from else ""),
            ("to", self.due_to.isoformat() if self.due_to else ""),
        ):
            if value:
                params[name] = str(value)
        return params

    def requests(self):
        rows = with_delivery_problem(PaymentRequest.objects.select_related("client", "connection"))
        if self.status == DELETED:
            rows = rows.filter(deleted_at__isnull=False)
        else:
            rows = rows.filter(deleted_at__isnull=True)
            if self.status:
                rows = rows.filter(status=self.status)
        if self.client:
            rows = rows.filter(client_id=self.client)
        elif self.client_name:  # typed without picking (or without JavaScript)
            rows = rows.filter(
                Q(client__name__icontains=self.client_name)
                | Q(client__company__icontains=self.client_name)
            )
        if self.due_from:
            rows = rows.filter(due_date__gte=self.due_from)
        if self.due_to:
            rows = rows.filter(due_date__lte=self.due_to)
        if self.q:
            rows = rows.filter(
                Q(description__icontains=self.q)
                | Q(number__icontains=self.q)
                | Q(client__name__icontains=self.q)
                | Q(client__company__icontains=self.q)
            )
        return rows


class KeptCountPaginator(Paginator):
    """A paginator whose count is kept until the account's version moves."""

    def __init__(self, rows, per_page, *, filters: Filters, version: str):
        super().__init__(rows, per_page)
        self._filters = filters
        self._version = version

    @cached_property
    def count(self) -> int:
        return live.derived(
            "count", self.object_list.count, self._filters.query().urlencode(), at=self._version
        )


def page_of(filters: Filters, number, version: str):
    paginator = KeptCountPaginator(filters.requests(), PAGE_SIZE, filters=filters, version=version)
    return paginator.get_page(number)


def month_bounds(today: date) -> tuple[datetime, datetime]:
    """This month in the account's time zone, as two instants (an index can use them; a
    ``paid_at__date`` cast could not)."""
    first = today.replace(day=1)
    days = calendar.monthrange(today.year, today.month)[1]
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(first, time.min), zone)
    end = timezone.make_aware(datetime.combine(first + timedelta(days=days), time.min), zone)
    return start, end


def totals(version: str) -> list[dict]:
    """Outstanding, overdue and paid this month (less what was refunded of it), per currency."""
    today = timezone.localdate()
    start, end = month_bounds(today)

    def compute():
        sums = (
            PaymentRequest.objects.filter(deleted_at__isnull=True)
            .values("currency")
            .annotate(
                outstanding=Sum("amount", filter=Q(status__in=PaymentRequest.OPEN_STATUSES)),
                overdue=Sum("amount", filter=Q(status=Status.OVERDUE)),
                # What stays paid: a refund takes its money out of the month it was paid in.
                paid=Sum(
                    F("amount_paid") - F("amount_refunded"),
                    filter=Q(
                        status__in=PaymentRequest.PAID_STATUSES, paid_at__gte=start, paid_at__lt=end
                    ),
                ),
            )
            .order_by("currency")
        )
        return [row for row in sums if row["outstanding"] or row["overdue"] or row["paid"]]

    zone = str(timezone.get_current_timezone())
    return live.derived("totals", compute, today.isoformat(), zone, at=version)
