"""New recurring invoice and Edit: the client, the lines (typed, or from the catalog) and the
schedule."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from billing_saas.query_params import positive_int
from billing_saas.refusals import ActionRefused
from payment_requests.access import billing_access_required
from recurring import services
from recurring.forms import RecurringInvoiceForm
from recurring.models import RecurringInvoice


@billing_access_required
@require_http_methods(["GET", "POST"])
def new_recurring(request):
    initial = {"start_on": services.account_today()}
    if client_pk := positive_int(request.GET.get("client")):
        initial["client"] = client_pk
    return _builder(request, None, initial)


@billing_access_required
@require_http_methods(["GET", "POST"])
def edit_recurring(request, pk):
    recurring = get_object_or_404(RecurringInvoice, pk=pk)
    if recurring.status == RecurringInvoice.Status.FINISHED:
        messages.warning(request, _("This recurring invoice is finished: it can no longer change."))
        return redirect("recurring:detail", pk=pk)
    return _builder(request, recurring, None)


def _builder(request, recurring: RecurringInvoice | None, initial):
    form = RecurringInvoiceForm(request.POST or None, instance=recurring, initial=initial)
    if request.method == "POST" and form.is_valid() and form.saves:
        try:
            if recurring is None:
                saved = services.create_recurring(
                    actor=request.user, lines=form.line_drafts, **form.recurring_fields()
                )
            else:
                saved = services.update_recurring(
                    recurring.pk, lines=form.line_drafts, **form.recurring_fields()
                )
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Recurring invoice saved."))
            return redirect("recurring:detail", pk=saved.pk)
    context = {"form": form, "recurring": recurring}
    return render(request, "recurring/form.html", context)
