"""The dashboard: totals, the filtered list and its live refresh."""

from __future__ import annotations

from django.core.signals import setting_changed
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from billing_saas import languages
from billing_saas.query_params import positive_int
from clients.widgets import ClientPicker
from payment_requests import dashboard, live
from payment_requests.access import billing_access_required
from payment_requests.dashboard import Filters
from payment_requests.models import PaymentRequest
from payment_requests.views.common import panel_request

Status = PaymentRequest.Status


def _dashboard_context(request, version: str, *, page: bool = False) -> dict:
    """``page``: the whole page, which shows a refused *Mark paid* form as it was typed (a
    live refresh does not take it)."""
    filters = Filters.from_query(request.GET)
    page_number = positive_int(request.GET.get("page"))
    open_pk = positive_int(request.GET.get("open"))
    base = filters.query()
    if page_number:
        base["page"] = str(page_number)
    query_without_open = base.urlencode()
    live_query = base.copy()
    if open_pk:
        live_query["open"] = str(open_pk)
    live_query["v"] = version
    return {
        "parts": _live_parts(filters, page_number, open_pk, base, version),
        "opened": panel_request(open_pk, request if page else None) if open_pk else None,
        "filters": filters,
        "query_without_open": query_without_open,
        "live_query": live_query.urlencode(),
    }


def _live_parts(filters, page_number, open_pk, base, version) -> dict:
    """The totals and the list, rendered once per version of the account (and per query,
    locale, time zone and day): a view or a live refresh of an unchanged account re-uses
    them. ``base`` is the list's own query (its filters and page). The locale is the
    language in the account's country: amounts are written for both."""
    query_without_open = base.urlencode()

    def render_parts():
        context = {
            "page": dashboard.page_of(filters, page_number, version),
            "totals": dashboard.totals(version),
            "opened_pk": open_pk,
            "query_without_open": query_without_open,
            "page_query": base,
        }
        return {
            "totals": render_to_string("payment_requests/_totals.html", context),
            "table": render_to_string("payment_requests/_table.html", context),
        }

    zone = timezone.get_current_timezone_name()
    today = timezone.localdate().isoformat()  # "paid this month" turns with the month
    key = (languages.current_locale(), zone, today, query_without_open, str(open_pk or ""))
    parts = live.derived("html", render_parts, *key, at=version)
    return {name: mark_safe(html) for name, html in parts.items()}  # our own rendering


@billing_access_required
@require_GET
def dashboard_page(request):
    context = _dashboard_context(request, live.version(), page=True)
    filters = context["filters"]
    picker = ClientPicker(
        placeholder=_("All clients"), submit_on_pick=True, typed=filters.client_name
    )
    context.update(
        statuses=_status_filter_choices(),
        client_picker=picker.render("client", filters.client, attrs={"id": "filter_client"}),
        active_filters=filters.active,
    )
    return render(request, "payment_requests/dashboard.html", context)


_STATUS_CHOICES: dict[str, tuple] = {}


def _status_filter_choices() -> tuple[tuple[str, str], ...]:
    """The status filter's options in the active language, read once per process: plain
    strings, which the dashboard's kept header is keyed by at no cost."""
    language = get_language() or ""
    choices = _STATUS_CHOICES.get(language)
    if choices is None:
        choices = _STATUS_CHOICES[language] = (
            *((value, str(label)) for value, label in Status.choices if value != Status.SENDING),
            (dashboard.DELETED, _("Deleted")),
        )
    return choices


def _forget_status_choices(**kwargs) -> None:
    _STATUS_CHOICES.clear()  # a test changed a setting (languages, translations…)


setting_changed.connect(_forget_status_choices, dispatch_uid="status-choices-forget")


@billing_access_required
@require_GET
def dashboard_live(request):
    """The dashboard's live part, only when something changed since the version the page
    shows (``v``); otherwise 204, which htmx leaves alone."""
    version = live.version()
    if version != live.UNKNOWN and request.GET.get("v") == version:
        return HttpResponse(status=204)
    return render(request, "payment_requests/_live.html", _dashboard_context(request, version))
