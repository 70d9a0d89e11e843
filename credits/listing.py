"""Which credit notes the billing list shows (available, used, all; one client or every one)
and what is left of them, per currency."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from billing_saas.query_params import positive_int
from credits.models import CreditNote

AVAILABLE, USED, ALL = "available", "used", "all"
# Something is left to use; used: nothing left (applied, refunded) or voided.
LEFT = Q(voided_at__isnull=True, amount__gt=F("amount_applied") + F("amount_refunded"))


def state_choices() -> list[tuple[str, str]]:
    return [(AVAILABLE, _("Available")), (USED, _("Used or void")), (ALL, _("All"))]


@dataclass(frozen=True)
class Filters:
    state: str = AVAILABLE
    client: int | None = None

    @classmethod
    def from_query(cls, params) -> Filters:
        state = params.get("state", "")
        return cls(
            state=state if state in (USED, ALL) else AVAILABLE,
            client=positive_int(params.get("client")),
        )

    def query(self, **changes) -> str:
        values = {
            "state": "" if self.state == AVAILABLE else self.state,
            "client": self.client or "",
            **changes,
        }
        params = QueryDict(mutable=True)
        for name, value in values.items():
            if value:
                params[name] = str(value)
        return params.urlencode()

    def for_clients(self) -> QuerySet:
        rows = CreditNote.objects.all()
        return rows.filter(client_id=self.client) if self.client else rows

    def notes(self) -> QuerySet:
        rows = self.for_clients()
        if self.state == AVAILABLE:
            rows = rows.filter(LEFT)
        elif self.state == USED:
            rows = rows.exclude(LEFT)
        return rows.select_related("client").order_by("-issued_at", "-pk")


def available_totals(rows: QuerySet) -> list[dict]:
    """What is left to use of ``rows``, per currency (never summed across currencies)."""
    return list(
        rows.filter(LEFT)
        .order_by()
        .values("currency")
        .annotate(
            amount=Sum(F("amount") - F("amount_applied") - F("amount_refunded")),
            count=Count("pk"),
        )
        .order_by("currency")
    )
