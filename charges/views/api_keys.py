"""The account's API keys (billing administrators): make one (its secret shown once, on the
page that answers the form) and revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from charges.api_keys import create_key, revoke_key
from charges.forms import ApiKeyForm
from charges.models import ApiKey
from tenants.members.permissions import billing_admin_required

NEW_SECRET = "charges_new_api_key"


@billing_admin_required
@require_http_methods(["GET", "POST"])
def api_keys(request):
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key, secret = create_key(form.cleaned_data["name"], actor=request.user)
        # Shown by the page the browser is sent to, once: reloading it makes no second key
        # and shows the secret no more (the session forgets it as it is shown).
        request.session[NEW_SECRET] = {"pk": key.pk, "secret": secret}
        return redirect("charges:api_keys")
    context = {
        "form": form,
        "new": request.session.pop(NEW_SECRET, None),
        "keys": ApiKey.objects.select_related("created_by"),
        "curl_example": curl_example(request.build_absolute_uri(reverse("charges:api_charges"))),
    }
    # A page that shows a secret must not stay in a cache.
    response = render(request, "charges/api_keys.html", context)
    response["Cache-Control"] = "no-store"
    return response


@billing_admin_required
@require_POST
def revoke(request, pk):
    key = revoke_key(get_object_or_404(ApiKey, pk=pk).pk)
    messages.success(request, _("The key “%(name)s” is revoked: calls with it are refused.") % {
        "name": key.name})  # fmt: skip
    return redirect("charges:api_keys")


def curl_example(api_url: str) -> str:
    """A call a booking tool makes (code: the same in every language)."""
    return (
        f"curl {api_url} \\\n"
        '  -H "Authorization: Bearer <key>" \\\n'
        '  -H "Content-Type: application/json" \\\n'
        """  -d '{"client_email": "ana@example.com", "description": "Haircut", """
        '"unit_price": "35.00", "currency": "EUR", "due_date": "2026-12-01", '
        """"source": "booking", "external_id": "booking-1234"}'"""
    )
