"""Client Billing pages: the dashboard, requests and their side panel, clients, access."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing_saas import languages
from billing_saas.query_params import positive_int
from payment_requests import dashboard, live, services
from payment_requests.access import billing_access_required, has_billing_access
from payment_requests.dashboard import Filters
from payment_requests.forms import ClientForm, PaymentRequestForm, SettingsForm
from payment_requests.models import (
    Attachment,
    BillingAccess,
    BillingSettings,
    Client,
    PaymentRequest,
)
from payment_requests.widgets import ClientPicker
from tenants.members.permissions import billing_admin_required
from tenants.models import Tenant

Status = PaymentRequest.Status


# ---- dashboard ----------------------------------------------------------------------------
def _dashboard_context(request, version: str) -> dict:
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
        "opened": _panel_request(open_pk) if open_pk else None,
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
    context = _dashboard_context(request, live.version())
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


@billing_access_required
@require_GET
def client_suggestions(request):
    """The client filter's search-as-you-type: a few matching clients, never all of them."""
    text = request.GET.get("client_name", "")
    context = {"clients": dashboard.client_suggestions(text), "text": dashboard.search_text(text)}
    return render(request, "payment_requests/_client_suggestions.html", context)


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
    if client_pk := positive_int(request.GET.get("client")):
        initial["client"] = client_pk
    source = None
    if copy_pk := positive_int(request.GET.get("copy")):  # "cancel and recreate" starts from it
        source = PaymentRequest.objects.filter(pk=copy_pk).first()
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
    page = Paginator(rows.order_by("name", "pk"), dashboard.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
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
        member = get_object_or_404(User, pk=positive_int(request.POST.get("user")), is_active=True)
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
            "language": request.tenant.language,
            "country": request.tenant.country,
            "connection": installed.connection_id if installed else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        Tenant.objects.filter(pk=request.tenant.pk).update(
            time_zone=form.cleaned_data["time_zone"],
            language=form.cleaned_data["language"] or request.tenant.language,
            country=form.cleaned_data["country"],
        )
        if installed:
            installed.connection = form.cleaned_data["connection"]
            installed.save(update_fields=["connection"])
        messages.success(request, _("Settings saved."))
        return redirect("payment_requests:settings")
    return render(request, "payment_requests/settings.html", {"form": form})


__all__ = ["has_billing_access"]
