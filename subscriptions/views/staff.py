"""Staff pages: plans (list, new, a subscription link for a client), the subscriptions list
(all, or one client's) and what clients may do with theirs in the portal."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clients.models import Client
from connectors.base import PlatformError
from payment_requests.access import billing_access_required
from payment_requests.services.common import default_connection
from subscriptions import services
from subscriptions.forms import LinkForm, PlanForm, SettingsForm
from subscriptions.models import Plan, Subscription, SubscriptionSettings
from tenants.members.permissions import billing_admin_required

PAGE_SIZE = 25


@billing_access_required
@require_http_methods(["GET", "POST"])
def plans(request):
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Plan saved."))
        return redirect("subscriptions:plans")
    context = {
        "plans": Plan.objects.filter(active=True),
        "form": form,
        "offered": services.subscriptions_offered(default_connection()),
    }
    return render(request, "subscriptions/plans.html", context)


@billing_access_required
@require_http_methods(["GET", "POST"])
def plan_link(request, pk):
    plan = get_object_or_404(Plan, pk=pk, active=True)
    initial = {}
    if (request.GET.get("client") or "").isdigit():
        initial["client"] = request.GET["client"]
    form = LinkForm(request.POST or None, initial=initial)
    url, offered = "", services.subscriptions_offered(default_connection())
    if request.method == "POST" and form.is_valid() and offered:
        try:
            url = services.subscription_link(plan, form.cleaned_data["client"], request)
        except PlatformError as error:
            messages.error(request, error.message)
    context = {"plan": plan, "form": form, "url": url, "offered": offered}
    return render(request, "subscriptions/plan_link.html", context)


@billing_access_required
@require_GET
def subscription_list(request):
    rows = Subscription.objects.select_related("client", "plan")
    client = None
    if (request.GET.get("client") or "").isdigit():
        client = get_object_or_404(Client, pk=int(request.GET["client"]))
        rows = rows.filter(client=client)
    context = {
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "client": client,
        "settings_form": SettingsForm(instance=SubscriptionSettings.current()),
    }
    return render(request, "subscriptions/list.html", context)


@billing_admin_required
@require_POST
def portal_options(request):
    form = SettingsForm(request.POST, instance=SubscriptionSettings.current())
    if form.is_valid():
        form.save()
        messages.success(request, _("Portal options saved."))
    else:
        messages.error(request, _("Those options could not be saved."))
    return redirect("subscriptions:list")
