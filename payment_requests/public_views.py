"""What the client sees behind the emailed link: no sign-in, the token is the key."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from billing_saas import languages
from connectors.base import PlatformError
from payment_requests.models import Attachment, RequestLink
from payment_requests.services import hash_token, pay_page
from payment_requests.views.request_panel import serve_attachment


def _link(token: str) -> RequestLink:
    if not token or len(token) > 100:
        raise Http404
    link = (
        RequestLink.objects.select_related(
            "request__client", "request__remote", "request__connection"
        )
        .prefetch_related("request__lines__applied_taxes")  # the page lists lines and taxes
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None:
        raise Http404
    _speak_to(link.request.client)
    return link


def _speak_to(client) -> None:
    """The client's pages are in the client's language (staff previews too: they show what
    the client sees)."""
    translation.activate(languages.client_language(client))


def _usable(link: RequestLink) -> bool:
    """Payable online through this link (an invoice marked sent by hand has no platform
    page: its client is asked to contact the provider)."""
    return link.revoked_at is None and link.request.pays_online


@never_cache
@require_GET
def public_link(request, token):
    link = _link(token)
    item = link.request
    if not request.user.is_authenticated:  # staff previews do not count as the client's view
        pay_page.record_view(link)
    # Marked sent by hand: no platform invoice to pay online; the client is told whom to ask.
    no_online = link.revoked_at is None and item.is_payable and not item.pays_online
    return render(
        request,
        "payment_requests/public_link.html",
        {
            "item": item,
            "token": token,
            "usable": _usable(link),
            "attachments": item.attachments.all() if link.revoked_at is None else [],
            "pdf": link.revoked_at is None,
            "account_name": request.tenant.name,
            "error": _no_online_payment(request) if no_online else "",
            "no_online_payment": no_online,
        },
    )


@never_cache
@require_POST
def choose_language(request, token):
    """The client picks the language of its pages and emails; kept on its record."""
    link = _link(token)
    chosen = languages.supported(request.POST.get("language"))
    if chosen and link.revoked_at is None:
        pay_page.choose_language(link, chosen)
    return redirect("payment_requests:public_link", token=token)


@never_cache
@require_GET
def go_pay(request, token):
    """To the platform's pay page, as it is now (platform links expire and are refreshed)."""
    link = _link(token)
    item = link.request
    if not _usable(link):  # its page says why (paid, canceled, or to be paid directly)
        return redirect("payment_requests:public_link", token=token)
    try:
        url = pay_page.platform_pay_url(item)
    except PlatformError as error:
        return _unpayable(request, item, token, error.message, status=502)
    if not url:  # said here and, by platform_pay_url, on the side panel
        return _unpayable(request, item, token, _no_online_payment(request), no_online_payment=True)
    return redirect(url)


def _no_online_payment(request) -> str:
    return _(
        "Online payment is not available for this invoice. Please contact "
        "%(account)s to pay it (bank transfer or another method)."
    ) % {"account": request.tenant.name}


def _unpayable(request, item, token, message, status=200, **extra):
    return render(
        request,
        "payment_requests/public_link.html",
        {
            "item": item,
            "token": token,
            "usable": False,
            "attachments": [],
            "account_name": request.tenant.name,
            "error": message,
            **extra,
        },
        status=status,
    )


@require_GET
def public_attachment(request, token, attachment_pk):
    link = _link(token)
    if link.revoked_at is not None:
        raise Http404
    return serve_attachment(get_object_or_404(Attachment, pk=attachment_pk, request=link.request))


@never_cache
@require_GET
def public_pdf(request, token):
    """The invoice's PDF, for whoever holds the pay link (a revoked one opens no file)."""
    from payment_requests.views.pdf import document_pdf

    link = _link(token)
    if link.revoked_at is not None:
        raise Http404
    return document_pdf(request, "invoice", link.request_id, layout="layouts/public.html")


@require_GET
def thanks(request):
    return render(request, "payment_requests/thanks.html", {"account_name": request.tenant.name})


@require_GET
def brand_logo(request):
    """The account's logo, for its emails: public by nature, served from its own folder."""
    from payment_requests.models import BillingSettings

    branding = BillingSettings.objects.order_by("pk").first()
    if branding is None or not branding.logo:
        raise Http404
    try:
        handle = branding.logo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = "image/png" if branding.logo.name.endswith(".png") else "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
