"""New quote and Edit draft: the builder (client, lines from the catalog or typed, total),
saved as a draft or saved and sent."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from billing_saas.query_params import positive_int
from payment_requests.access import billing_access_required
from products.services import save_product
from quotes import services
from quotes.forms import QuoteForm, with_new_product
from quotes.models import Quote
from quotes.views.detail_page import send_and_report

VALID_FOR = timedelta(days=30)


@billing_access_required
@require_http_methods(["GET", "POST"])
def new_quote(request):
    initial = {"valid_until": services.account_today() + VALID_FOR}
    if client_pk := positive_int(request.GET.get("client")):
        initial["client"] = client_pk
    return _builder(request, None, initial)


@billing_access_required
@require_http_methods(["GET", "POST"])
def edit_quote(request, pk):
    quote = get_object_or_404(Quote, pk=pk)
    if not quote.is_editable:
        messages.warning(request, _("This quote was sent: it can no longer change."))
        return redirect("quotes:detail", pk=pk)
    return _builder(request, quote, None)


def _builder(request, quote: Quote | None, initial):
    form = QuoteForm(request.POST or None, instance=quote, initial=initial)
    if request.method == "POST" and form.action == "new_product":
        if form.new_product.is_valid():
            product = save_product(form.new_product)
            messages.success(
                request,
                _("%(name)s added to your catalog and to this quote.") % {"name": product.name},
            )
            form = QuoteForm(with_new_product(request.POST, product), instance=quote)
            form.is_valid()  # the total, with its new line
    elif request.method == "POST":
        valid = form.is_valid()
        if valid and form.saves:
            try:
                saved = _save(request, form, quote)
            except services.ActionRefused as refused:
                form.add_error(None, refused.message)
            else:
                if form.action == "send":
                    return send_and_report(request, saved.pk)
                if form.action == "review":
                    return redirect("quotes:review", pk=saved.pk)
                messages.success(request, _("Quote saved as a draft."))
                return redirect("quotes:detail", pk=saved.pk)
    return render(request, "quotes/form.html", {"form": form, "quote": quote})


def _save(request, form: QuoteForm, quote: Quote | None) -> Quote:
    client, new_client = form.client_fields()
    if quote is None:
        return services.create_quote(
            actor=request.user,
            client=client,
            new_client=new_client,
            lines=form.line_drafts,
            **form.quote_fields(),
        )
    fields = form.quote_fields() if client is None else {**form.quote_fields(), "client": client}
    return services.update_quote(
        quote.pk, actor=request.user, new_client=new_client, lines=form.line_drafts, **fields
    )
