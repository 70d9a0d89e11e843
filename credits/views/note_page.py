"""One credit note: issuing it, its page (where it went), and what staff do with it."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from billing_saas.query_params import positive_int
from billing_saas.refusals import ActionRefused
from clients.models import Client
from credits.forms import CreditNoteForm, RefundForm, UseForm, new_key
from credits.models import CreditNote
from credits.services import issuing
from payment_requests.access import billing_access_required
from payment_requests.services.manual import account_today
from products.services import default_currency


def _initial(request) -> dict:
    client = Client.objects.filter(pk=positive_int(request.GET.get("client"))).first()
    currency = (client.preferred_currency if client else "") or default_currency()
    return {"client": client.pk if client else None, "currency": currency,
            "use": CreditNote.Use.APPLY, "entry_key": new_key()}  # fmt: skip


@billing_access_required
@require_http_methods(["GET", "POST"])
def new_credit_note(request):
    form = CreditNoteForm(request.POST or None, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            note = issuing.issue(**data, actor=request.user)
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _("Credit note %(number)s issued to %(client)s.")
                % {"number": note.number, "client": note.client.name},
            )
            return redirect("credits:detail", pk=note.pk)
    return render(request, "credits/form.html", {"form": form})


def _page(request, note, refund_form=None, status=200):
    context = {
        "note": note,
        "applications": note.applications.select_related("request").order_by("applied_at", "pk"),
        "refunds": note.refunds.order_by("refunded_on", "pk"),
        "use_form": UseForm(initial={"use": note.use}),
        "refund_form": refund_form or RefundForm.for_note(note, account_today()),
    }
    return render(request, "credits/detail.html", context, status=status)


@billing_access_required
@require_http_methods(["GET"])
def detail(request, pk):
    return _page(request, get_object_or_404(CreditNote.objects.select_related("client"), pk=pk))


def _act(request, pk, action, done: str):
    note = get_object_or_404(CreditNote, pk=pk)
    try:
        action(note)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done)
    return redirect("credits:detail", pk=note.pk)


@billing_access_required
@require_POST
def change_use(request, pk):
    form = UseForm(request.POST)
    use = form.cleaned_data["use"] if form.is_valid() else ""
    return _act(request, pk, lambda note: issuing.change_use(note.pk, use), _("Use changed."))


@billing_access_required
@require_POST
def void(request, pk):
    return _act(
        request,
        pk,
        lambda note: issuing.void(note.pk, actor=request.user),
        _("Credit note voided."),
    )


@billing_access_required
@require_POST
def record_refund(request, pk):
    note = get_object_or_404(CreditNote.objects.select_related("client"), pk=pk)
    form = RefundForm(request.POST)
    if form.is_valid():
        try:
            issuing.record_refund(note.pk, actor=request.user, **form.cleaned_data)
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Refund recorded."))
            return redirect("credits:detail", pk=note.pk)
    form.fields["refunded_on"].widget.attrs["max"] = account_today().isoformat()
    return _page(request, note, refund_form=form, status=400)
