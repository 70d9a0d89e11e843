"""What the client's visits to its pay page change: views counted, language, pay failures."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from billing_saas import languages
from payment_requests import live
from payment_requests.models import PaymentRequest, RequestLink


def record_view(link: RequestLink) -> None:
    """The client opened its link (staff previews are not counted by the caller)."""
    now = timezone.now()
    RequestLink.objects.filter(pk=link.pk).update(
        views=F("views") + 1, first_viewed_at=link.first_viewed_at or now
    )
    if PaymentRequest.objects.filter(pk=link.request_id, first_viewed_at__isnull=True).update(
        first_viewed_at=now
    ):
        live.changed()  # "Viewed by the client" shows on the dashboard


def choose_language(link: RequestLink, language: str) -> None:
    """The client's pages and emails, from now on, in ``language`` (kept on its record)."""
    client = link.request.client
    client.language = language
    client.save(update_fields=["language", "updated_at"])


def record_unpayable(request: PaymentRequest, reason: str) -> None:
    """The platform offers no pay page: the side panel says why."""
    PaymentRequest.objects.filter(pk=request.pk).update(last_error=reason)
    live.changed()


def platform_pay_url(request: PaymentRequest) -> str:
    """The platform's pay page of a sent request, as it is now (platform links expire and are
    refreshed); "" when the platform offers none, which the side panel then says. Raises
    ``PlatformError`` when the platform cannot answer. The emailed link and the client portal
    both send the client there."""
    from connectors.models import RemoteObject
    from connectors.registry import platform_for

    if request.remote is None:  # marked sent by hand: never on the platform
        return ""
    if request.remote.kind == RemoteObject.Kind.INVOICE:
        url = platform_for(request.connection).pay_url(request.remote.remote_id)
    else:
        url = request.remote.pay_url
    if not url:
        # QuickBooks gives no link when online payment is off for the company.
        with translation.override(languages.account_language()):  # read by the staff
            reason = _("%(platform)s has no online payment page for this invoice.") % {
                "platform": request.platform_name
            }
        record_unpayable(request, reason)
    return url
