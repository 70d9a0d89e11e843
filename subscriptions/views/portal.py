"""The client portal's Subscriptions: each of the signed-in client's subscriptions, its
invoices, and the options the provider enabled (SubscriptionSettings): request cancellation,
manage plan."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from client_portal.layout import layout_context
from client_portal.sessions import portal_client_required
from connectors.base import PlatformError
from payment_requests.services.common import default_connection
from subscriptions import services
from subscriptions.forms import SwitchForm
from subscriptions.models import Subscription, SubscriptionSettings

SECTION = "subscriptions"
# A subscription whose first payment never went through is none the client took.
NEVER_STARTED = (Subscription.Status.INCOMPLETE, Subscription.Status.INCOMPLETE_EXPIRED)
INVOICE_STATUSES = {
    "paid": gettext_lazy("Paid"),
    "open": gettext_lazy("Due"),
    "void": gettext_lazy("Void"),
    "uncollectible": gettext_lazy("Uncollectible"),
}


def _own(request, pk) -> Subscription:
    found = (
        Subscription.objects.select_related("plan", "connection")
        .filter(client=request.portal_client, pk=pk)
        .exclude(status__in=NEVER_STARTED)
        .first()
    )
    if found is None:
        raise Http404
    return found


@never_cache
@require_GET
@portal_client_required
def portal_list(request):
    rows = (
        Subscription.objects.select_related("plan")
        .filter(client=request.portal_client)
        .exclude(status__in=NEVER_STARTED)
    )
    context = {
        **layout_context(request, SECTION),
        "subscriptions": rows,
        "options": SubscriptionSettings.current(),
        "offered": services.subscriptions_offered(default_connection()) or rows.exists(),
    }
    return render(request, "subscriptions/portal_list.html", context)


@never_cache
@require_POST
@portal_client_required
def portal_cancel(request, pk):
    subscription = _own(request, pk)
    try:
        services.request_cancellation(subscription)
    except services.NotAllowed:
        raise Http404 from None
    except PlatformError as error:
        messages.error(request, error.message)
        return redirect("subscriptions:portal_list")
    if SubscriptionSettings.current().allow_cancellation == SubscriptionSettings.Cancellation.STAFF:
        messages.success(request, _("Your request was sent. We will confirm the cancellation."))
    else:
        messages.success(request, _("Your subscription ends at the end of the paid period."))
    return redirect("subscriptions:portal_list")


@never_cache
@require_http_methods(["GET", "POST"])
@portal_client_required
def portal_plan(request, pk):
    subscription = _own(request, pk)
    plans = services.switchable_plans(subscription)
    if not SubscriptionSettings.current().allow_plan_switch or not plans.exists():
        raise Http404
    form = SwitchForm(plans, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.switch_plan(subscription, form.cleaned_data["plan"])
        except services.NotAllowed:
            raise Http404 from None
        except PlatformError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your plan was changed."))
            return redirect("subscriptions:portal_list")
    context = {**layout_context(request, SECTION), "subscription": subscription, "form": form}
    return render(request, "subscriptions/portal_plan.html", context)


@never_cache
@require_GET
@portal_client_required
def portal_invoices(request, pk):
    subscription = _own(request, pk)
    # Asked of the platform each time the page is shown: it keeps the invoices and their
    # pages; a platform that does not answer leaves a message, not an error page.
    try:
        invoices = services.invoices_of(subscription)
    except PlatformError:
        invoices = None
    rows = [
        (invoice, INVOICE_STATUSES.get(invoice.status, invoice.status))
        for invoice in invoices or ()
    ]
    context = {
        **layout_context(request, SECTION),
        "subscription": subscription,
        "rows": rows,
        "unavailable": invoices is None,
    }
    return render(request, "subscriptions/portal_invoices.html", context)
