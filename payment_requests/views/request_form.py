"""Creating and editing a request (send at once, or save a draft)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from billing_saas.query_params import positive_int
from payment_requests import services
from payment_requests.access import billing_access_required
from payment_requests.forms import PaymentRequestForm
from payment_requests.models import PaymentRequest
from payment_requests.views.common import panel_url, send_and_report


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
            currency=source.currency,
            billing_type=source.billing_type,
            notify_by=source.notify_by,
        )
    form = PaymentRequestForm(
        request.POST or None, request.FILES or None, initial=initial, lines_from=source
    )
    if request.method == "POST" and form.is_valid() and form.saves:
        try:
            item = _save_new(request, form)
        except services.ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            if request.POST.get("action") == "send":
                return send_and_report(request, item.pk)
            messages.success(request, _("Draft saved."))
            return redirect(panel_url(item.pk))
    return render(request, "payment_requests/form.html", {"form": form, "item": None})


def _save_new(request, form):
    data = form.cleaned_data
    new_client = None
    if data["client"] is None:
        new_client = {
            "name": data["new_client_name"],
            "email": data["new_client_email"],
            "company": data.get("new_client_company", ""),
        }
    fields = {name: data[name] for name in form.Meta.fields if name != "client"}
    return services.create_request(
        actor=request.user,
        client=data["client"],
        new_client=new_client,
        attachments=data.get("attachments") or (),
        lines=form.line_drafts,
        **fields,
    )


@billing_access_required
@require_http_methods(["GET", "POST"])
def edit_request(request, pk):
    item = get_object_or_404(PaymentRequest, pk=pk, deleted_at__isnull=True)
    form = PaymentRequestForm(
        request.POST or None, request.FILES or None, instance=item, locked=item.is_locked
    )
    if request.method == "POST" and form.is_valid() and form.saves:
        fields = {
            name: form.cleaned_data[name]
            for name in form.Meta.fields
            if not form.fields[name].disabled
        }
        try:
            services.update_draft(
                pk,
                actor=request.user,
                attachments=form.cleaned_data.get("attachments") or (),
                lines=None if form.locked else form.line_drafts,
                **fields,
            )
        except services.ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            if request.POST.get("action") == "send":
                return send_and_report(request, pk)
            messages.success(request, _("Changes saved."))
            return redirect(panel_url(pk))
    return render(request, "payment_requests/form.html", {"form": form, "item": item})
