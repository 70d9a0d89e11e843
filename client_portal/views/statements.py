"""The client's statement of account: a period to choose, its balances, and its PDF."""

from __future__ import annotations

from datetime import date

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from billing_saas import languages
from billing_saas import pdf as engine
from client_portal import statements
from client_portal.layout import layout_context
from client_portal.sessions import portal_client_required
from payment_requests.models import BillingSettings
from payment_requests.services.common import current_tenant
from payment_requests.services.invoice_pdf import _colour, _lines
from payment_requests.services.pdfs import safe_filename

TEMPLATE = "client_portal/pdf/statement.html"


class PeriodForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput({"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput({"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The period must end on or after its first day."))
            if end > _years_after(start, statements.MAX_YEARS):
                raise forms.ValidationError(
                    _("A statement covers at most %(years)s years.")
                    % {"years": statements.MAX_YEARS}
                )
        return data


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, or beyond year 9999
        return (
            date.max
            if day.year + years > date.max.year
            else day.replace(day=28, year=day.year + years)
        )


def _period_form(request, tz) -> PeriodForm:
    today = timezone.localdate(timezone.now(), tz)
    data = {
        "start": request.GET.get("from") or today.replace(day=1).isoformat(),
        "end": request.GET.get("to") or today.isoformat(),
    }
    return PeriodForm(data)


@never_cache
@require_GET
@portal_client_required
def statement_page(request):
    tz = current_tenant().tzinfo
    form = _period_form(request, tz)
    sections = []
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        sections = statements.statement(request.portal_client, start, end, tz)
    context = {**layout_context(request, "statements"), "form": form, "currencies": sections}
    return render(
        request, "client_portal/statements.html", context, status=200 if form.is_valid() else 400
    )


@never_cache
@require_GET
@portal_client_required
def statement_pdf(request):
    tenant = current_tenant()
    form = _period_form(request, tenant.tzinfo)
    if not form.is_valid():
        context = {**layout_context(request, "statements"), "form": form, "currencies": []}
        return render(request, "client_portal/statements.html", context, status=400)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    client = request.portal_client
    sections = statements.statement(client, start, end, tenant.tzinfo)
    # A statement is made for this request only (its period is the reader's choice): rendered
    # here, kept nowhere, unlike invoices' stored versions (payment_requests/services/pdfs.py).
    pdf = engine.render_pdf(_printable(tenant, client, start, end, sections))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = safe_filename(f"statement-{start.isoformat()}-{end.isoformat()}")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def _printable(tenant, client, start, end, sections) -> engine.Printable:
    branding = BillingSettings.objects.order_by("pk").first() or BillingSettings()
    # As on invoices: only a logo in the account's own folder (invoice_pdf.document_printable).
    own_logo = branding.logo and branding.logo.name.startswith(f"tenants/{tenant.schema_name}/")
    files = {"logo": branding.logo.name} if own_logo else {}
    context = {
        "client": client,
        "account_name": branding.sender_name or tenant.name,
        "brand_color": _colour(branding.brand_color),
        "address_lines": _lines(branding.address),
        "tax_ids": _lines(branding.tax_ids),
        "client_address_lines": _lines(client.address),
        "logo_src": engine.file_url("logo") if files else "",
        "start": start,
        "end": end,
        "issued": timezone.localdate(timezone.now(), tenant.tzinfo),
        "currencies": sections,
    }
    return engine.Printable(
        TEMPLATE,
        context,
        language=languages.client_language(client, tenant),
        time_zone=tenant.time_zone,
        files=files,
    )
