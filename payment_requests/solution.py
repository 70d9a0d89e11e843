"""Client Billing as a catalog solution: what it is, how it installs, what blocks removal."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from connectors.base import PlatformError
from connectors.registry import platform_for
from solutions.registry import InstallFailed, Solution, Step, register

SLUG = "client-billing"


def check_platform(installation) -> None:
    """The chosen account must be able to take payments right now."""
    connection = installation.connection
    if connection is None or not connection.is_usable:
        raise InstallFailed(_("The payment platform connection is not usable; reconnect it."))
    try:
        platform_for(connection).check_ready()
    except PlatformError as error:
        raise InstallFailed(error.message) from error


def prepare_account(installation) -> None:
    from payment_requests.models import BillingSettings, NumberSequence

    BillingSettings.current()
    if not NumberSequence.objects.exists():
        NumberSequence.objects.create()


def open_requests_blocker() -> str:
    from payment_requests.models import PaymentRequest

    count = PaymentRequest.objects.filter(
        status__in=PaymentRequest.OPEN_STATUSES, deleted_at__isnull=True
    ).count()
    if not count:
        return ""
    return ngettext(
        "%(count)s payment request is still open: clients can still pay it, and its payment "
        "would only show here after you reinstall. Cancel it first, or confirm.",
        "%(count)s payment requests are still open: clients can still pay them, and their "
        "payments would only show here after you reinstall. Cancel them first, or confirm.",
        count,
    ) % {"count": count}


CLIENT_BILLING = Solution(
    slug=SLUG,
    name=_("Client Billing"),
    summary=_(
        "Send payment requests to your clients and get paid through Stripe or QuickBooks Payments."
    ),
    overview=_(
        "Streamline billing with payment requests made for service providers: invoices "
        "after service, proposals and deposits before it, and anything else that needs "
        "paying, followed from one dashboard."
    ),
    features=(
        _("Central tracking: every payment request, its status and its history in one place"),
        _("Attachments: include the documents each request needs"),
        _(
            "Seamless integrations: your clients pay on Stripe's or QuickBooks' PCI-compliant "
            "pages, and payments come back here by themselves"
        ),
        _("Reminders before and after the due date, in your time zone"),
    ),
    platforms=("stripe", "quickbooks"),
    home_url_name="payment_requests:dashboard",
    steps=(
        Step("platform", _("Check the payment platform"), check_platform),
        Step("numbering", _("Prepare invoice numbers and reminders"), prepare_account),
    ),
    beta_notice=_(
        "Client Billing is in beta. It is provided as is, and may change or be "
        "withdrawn; tell us what you need."
    ),
    illustration="img/client-billing.svg",
    blocker=open_requests_blocker,
)

register(CLIENT_BILLING)
