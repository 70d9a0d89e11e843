"""Client Billing pages: the dashboard, requests and their side panel, clients, access."""

from __future__ import annotations

import calendar
from datetime import date

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from payment_requests import services
from payment_requests.access import billing_access_required, has_billing_access
from payment_requests.forms import ClientForm, PaymentRequestForm, SettingsForm
from payment_requests.models import (
    Attachment,
    BillingAccess,
    BillingSettings,
    Client,
    PaymentRequest,
)
from tenants.members.permissions import billing_admin_required
from tenants.models import Tenant

Status = PaymentRequest.Status
PAGE_SIZE = 25
FILTERS = ("q", "status", "client", "from", "to")


# ---- dashboard ----------------------------------------------------------------------------
def _filtered(request):
    params = request.GET
    rows = PaymentRequest.objects.select_related("client", "connection")
    status = params.get("status", "")
    if status == Status.DELETED:
        rows = rows.filter(deleted_at__isnull=False)
    else:
        rows = rows.filter(deleted_at__isnull=True)
        if status in Status.values:
            rows = rows.filter(status=status)
    if params.get("client", "").isdigit():
        rows = rows.filter(client_id=int(params["client"]))
    for name, lookup in (("from", "due_date__gte"), ("to", "due_date__lte")):
        try:
            rows = rows.filter(**{lookup: date.fromisoformat(params.get(name, ""))})
        except ValueError:
            pass
    query = params.get("q", "").strip()[:100]
    if query:
        rows = rows.filter(
            Q(description__icontains=query)
            | Q(number__icontains=query)
            | Q(client__name__icontains=query)
            | Q(client__company__icontains=query)
        )
    return rows


def _totals():
    today = timezone.localdate()
    first = today.replace(day=1)
    last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    live = PaymentRequest.objects.filter(deleted_at__isnull=True)
    sums = (
        live.values("currency")
        .annotate(
            outstanding=Sum("amount", filter=Q(status__in=PaymentRequest.OPEN_STATUSES)),
            overdue=Sum("amount", filter=Q(status=Status.OVERDUE)),
            paid=Sum(
                "amount_paid",
                filter=Q(status=Status.PAID, paid_at__date__gte=first, paid_at__date__lte=last),
            ),
            count=Count("pk"),
        )
        .order_by("currency")
    )
    return [row for row in sums if row["outstanding"] or row["overdue"] or row["paid"]]


@billing_access_required
@require_GET
def dashboard(request):
    page = Paginator(_filtered(request), PAGE_SIZE).get_page(request.GET.get("page"))
    opened = None
    if request.GET.get("open", "").isdigit():
        opened = _panel_request(int(request.GET["open"]))
    context = {
        "page": page,
        "totals": _totals(),
        "statuses": Status.choices,
        "clients": Client.objects.only("pk", "name", "company"),
        "filters": request.GET,
        "active_filters": sum(1 for name in FILTERS if request.GET.get(name, "").strip()),
        "opened": opened,
        "query_without_open": _query_without(request, "open"),
    }
    return render(request, "payment_requests/dashboard.html", context)


def _query_without(request, *names) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def _panel_request(pk):
    return (
        PaymentRequest.objects.select_related("client", "connection", "remote", "created_by")
        .prefetch_related("history__actor", "attachments", "payments")
        .filter(pk=pk)
        .first()
    )


@billing_access_required
@require_GET
def detail(request, pk):
    item = _panel_request(pk)
    if item is None:
        raise Http404
    return render(request, "payment_requests/detail.html", {"item": item})


# ---- create / edit --------------------------------------------------------------------------
@billing_access_required
@require_http_methods(["GET", "POST"])
def new_request(request):
    initial = {"due_date": timezone.localdate() + timezone.timedelta(days=14)}
    if request.GET.get("client", "").isdigit():
        initial["client"] = int(request.GET["client"])
    source = None
    if request.GET.get("copy", "").isdigit():  # "cancel and recreate" starts from the old one
        source = PaymentRequest.objects.filter(pk=int(request.GET["copy"])).first()
    if source is not None:
        initial.update(
            kind=source.kind,
            description=source.description,
            client=source.client_id,
            amount=source.amount,
            currency=source.currency,
            billing_type=source.billing_type,
        )
    form = PaymentRequestForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = _save_new(request, form)
        except services.ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            if request.POST.get("action") == "send":
                return _send_and_report(request, item.pk)
            messages.success(request, _("Draft saved."))
            return redirect(_panel_url(item.pk))
    return render(request, "payment_requests/form.html", {"form": form, "item": None})


def _save_new(request, form):
    data = form.cleaned_data
    with transaction.atomic():
        client = data["client"]
        if client is None:
            client = Client.objects.create(
                name=data["new_client_name"],
                email=data["new_client_email"],
                company=data.get("new_client_company", ""),
                preferred_currency=data["currency"],
            )
        fields = {name: data[name] for name in form.Meta.fields if name != "client"}
        item = services.create_request(actor=request.user, client=client, **fields)
        _attach(item, data.get("attachments"), request.user)
    return item


def _attach(item, checked_uploads, user) -> None:
    for upload, content_type in checked_uploads or []:
        Attachment.objects.create(
            request=item,
            file=upload,
            original_name=upload.name,
            content_type=content_type,
            size=upload.size,
            uploaded_by=user,
        )


@billing_access_required
@require_http_methods(["GET", "POST"])
def edit_request(request, pk):
    item = get_object_or_404(PaymentRequest, pk=pk, deleted_at__isnull=True)
    form = PaymentRequestForm(
        request.POST or None, request.FILES or None, instance=item, locked=item.is_locked
    )
    if request.method == "POST" and form.is_valid():
        fields = {
            name: form.cleaned_data[name]
            for name in form.Meta.fields
            if not form.fields[name].disabled
        }
        try:
            services.update_draft(pk, actor=request.user, **fields)
            _attach(item, form.cleaned_data.get("attachments"), request.user)
        except services.ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            if request.POST.get("action") == "send":
                return _send_and_report(request, pk)
            messages.success(request, _("Changes saved."))
            return redirect(_panel_url(pk))
    return render(request, "payment_requests/form.html", {"form": form, "item": item})


def _panel_url(pk):
    return reverse("payment_requests:dashboard") + f"?open={pk}"


def _send_and_report(request, pk):
    try:
        item = services.send_request(pk, actor=request.user, request_host=request)
    except services.ActionRefused as refused:
        messages.error(request, _("Not sent: %(reason)s") % {"reason": refused.message})
    else:
        if item.status == Status.SENT:
            messages.success(
                request,
                _("Payment request %(number)s sent to %(email)s.")
                % {"number": item.number, "email": item.client.email},
            )
    return redirect(_panel_url(pk))


# ---- actions --------------------------------------------------------------------------------
@billing_access_required
@require_POST
def send(request, pk):
    get_object_or_404(PaymentRequest, pk=pk)
    return _send_and_report(request, pk)


def _act(request, pk, action, success: str):
    """Run one side-panel action; its refusal (or success) is shown on the panel."""
    get_object_or_404(PaymentRequest, pk=pk)
    try:
        action()
    except services.ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, success)
    return redirect(_panel_url(pk))


@billing_access_required
@require_POST
def remind(request, pk):
    return _act(
        request,
        pk,
        lambda: services.remind(pk, actor=request.user, request_host=request),
        _("Reminder sent."),
    )


@billing_access_required
@require_POST
def cancel(request, pk):
    return _act(
        request,
        pk,
        lambda: services.cancel_request(pk, actor=request.user),
        _("Request canceled. The client can no longer pay it."),
    )


@billing_access_required
@require_POST
def delete(request, pk):
    get_object_or_404(PaymentRequest, pk=pk)
    try:
        services.delete_request(
            pk, actor=request.user, confirm_open=request.POST.get("confirm_open") == "yes"
        )
    except services.ActionRefused as refused:
        messages.warning(request, refused.message)
        return redirect(_panel_url(pk))
    messages.success(request, _("Request deleted. It stays in the history (filter: Deleted)."))
    return redirect("payment_requests:dashboard")


@billing_access_required
@require_GET
def attachment(request, pk, attachment_pk):
    item = get_object_or_404(Attachment, pk=attachment_pk, request_id=pk)
    return _serve(item)


def _serve(item: Attachment):
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=item.original_name, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


# ---- clients --------------------------------------------------------------------------------
@billing_access_required
@require_GET
def clients(request):
    rows = Client.objects.annotate(
        open_count=Count(
            "requests",
            filter=Q(
                requests__status__in=PaymentRequest.OPEN_STATUSES, requests__deleted_at__isnull=True
            ),
        )
    )
    query = request.GET.get("q", "").strip()[:100]
    if query:
        rows = rows.filter(
            Q(name__icontains=query) | Q(company__icontains=query) | Q(email__icontains=query)
        )
    page = Paginator(rows.order_by("name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "payment_requests/clients.html", {"page": page, "query": query})


@billing_access_required
@require_http_methods(["GET", "POST"])
def client_form(request, pk=None):
    client = get_object_or_404(Client, pk=pk) if pk else None
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Client %(name)s saved.") % {"name": saved.name})
        return redirect("payment_requests:clients")
    return render(request, "payment_requests/client_form.html", {"form": form, "client": client})


# ---- access and settings ------------------------------------------------------------------
@billing_access_required
@require_http_methods(["GET", "POST"])
def access(request):
    User = get_user_model()
    if request.method == "POST":
        member = get_object_or_404(User, pk=request.POST.get("user"), is_active=True)
        if member.is_billing_admin:
            messages.info(request, _("Billing administrators always have access."))
        elif request.POST.get("grant") == "yes":
            BillingAccess.objects.get_or_create(user=member, defaults={"granted_by": request.user})
            messages.success(
                request, _("%(name)s can now use Client Billing.") % {"name": member.full_name}
            )
        else:
            BillingAccess.objects.filter(user=member).delete()
            messages.success(
                request,
                _("%(name)s no longer has access to Client Billing.") % {"name": member.full_name},
            )
        return redirect("payment_requests:access")
    members = (
        User.objects.filter(is_active=True).select_related("billing_access").order_by("full_name")
    )
    return render(request, "payment_requests/access.html", {"members": members})


@billing_admin_required
@require_http_methods(["GET", "POST"])
def billing_settings(request):
    from tenants.catalog.services import installation

    installed = installation("client-billing")
    form = SettingsForm(
        request.POST or None,
        request.FILES or None,
        instance=BillingSettings.current(),
        initial={
            "time_zone": request.tenant.time_zone,
            "connection": installed.connection_id if installed else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        Tenant.objects.filter(pk=request.tenant.pk).update(time_zone=form.cleaned_data["time_zone"])
        if installed:
            installed.connection = form.cleaned_data["connection"]
            installed.save(update_fields=["connection"])
        messages.success(request, _("Settings saved."))
        return redirect("payment_requests:settings")
    return render(request, "payment_requests/settings.html", {"form": form})


__all__ = ["has_billing_access"]
