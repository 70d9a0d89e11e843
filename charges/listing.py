"""Which charges a page shows: the state and client filters, the order, the totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing_saas.query_params import positive_int
from charges.models import Charge
from payment_requests.services.common import current_tenant

State = Charge.State
ALL = "all"
MAX_QUERY = 100


def state_choices() -> list[tuple[str, str]]:
    return [*State.choices, (ALL, _("All"))]


def account_today() -> date:
    """Today where the account is: a charge due today is not overdue there yet."""
    return timezone.localdate(timezone.now(), current_tenant().tzinfo)


@dataclass(frozen=True)
class Filters:
    state: str = State.UNBILLED
    client: int | None = None
    client_name: str = ""  # typed without picking (or without JavaScript)
    newest_first: bool = False

    @classmethod
    def from_query(cls, params) -> Filters:
        state = params.get("state", "")
        return cls(
            state=state if state in State.values or state == ALL else State.UNBILLED,
            client=positive_int(params.get("client")),
            client_name=(params.get("client_name") or "").strip()[:MAX_QUERY],
            newest_first=params.get("order") == "latest",
        )

    def query(self, **changes) -> str:
        """These filters (with ``changes``) as a query string, in one canonical form."""
        values = {
            "state": "" if self.state == State.UNBILLED else self.state,
            "client": self.client or "",
            "client_name": "" if self.client else self.client_name,
            "order": "latest" if self.newest_first else "",
            **changes,
        }
        params = QueryDict(mutable=True)
        for name, value in values.items():
            if value:
                params[name] = str(value)
        return params.urlencode()

    def for_clients(self) -> QuerySet:
        rows = Charge.objects.all()
        if self.client:
            rows = rows.filter(client_id=self.client)
        elif self.client_name:
            text = self.client_name
            rows = rows.filter(
                Q(client__name__icontains=text)
                | Q(client__company__icontains=text)
                | Q(client__email__icontains=text)
            )
        return rows

    def charges(self) -> QuerySet:
        rows = self.for_clients()
        if self.state != ALL:
            rows = rows.filter(state=self.state)
        order = ("-due_date", "-pk") if self.newest_first else ("due_date", "pk")
        return rows.select_related("client", "request").order_by(*order)


def unbilled_totals(rows: QuerySet) -> list[dict]:
    """What the unbilled ones among ``rows`` add up to, per currency (never summed across
    currencies): ``[{"currency": "EUR", "amount": Decimal, "count": 3}, ...]``."""
    return list(
        rows.filter(state=State.UNBILLED)
        .order_by()
        .values("currency")
        .annotate(amount=Sum("amount"), count=Count("pk"))
        .order_by("currency")
    )
