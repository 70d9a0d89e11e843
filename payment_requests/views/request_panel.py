"""The side panel's page and actions: send, remind, cancel, delete, attachments."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from payment_requests import services
from payment_requests.access import billing_access_required
from payment_requests.models import Attachment, PaymentRequest
from payment_requests.views.common import (
    panel_request,
    panel_url,
    run_panel_action,
    send_and_report,
)


@billing_access_required
@require_GET
def detail(request, pk):
    item = panel_request(pk, request)
    if item is None:
        raise Http404
    return render(request, "payment_requests/detail.html", {"item": item})


@billing_access_required
@require_POST
def send(request, pk):
    get_object_or_404(PaymentRequest, pk=pk)
    return send_and_report(request, pk)


def _act(request, pk, action, success: str):
    get_object_or_404(PaymentRequest, pk=pk)
    return run_panel_action(request, pk, action, success)


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
def resend_message(request, pk, message_pk):
    """*Resend* a message of the request that did not arrive (the panel, the dashboard row)."""
    item = get_object_or_404(PaymentRequest, pk=pk)
    if services.resend_message(item, message_pk):
        messages.success(request, _("The message is on its way again."))
    else:
        messages.error(
            request,
            _("This message cannot be resent: it arrived, or the request can no longer be paid."),
        )
    return redirect(panel_url(pk))


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
        return redirect(panel_url(pk))
    messages.success(request, _("Request deleted. It stays in the history (filter: Deleted)."))
    return redirect("payment_requests:dashboard")


@billing_access_required
@require_GET
def attachment(request, pk, attachment_pk):
    item = get_object_or_404(Attachment, pk=attachment_pk, request_id=pk)
    return serve_attachment(item)


def serve_attachment(item: Attachment):
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
