"""The staff's way into a client's portal, on the client's page: the button, and who used it."""

from django import template

from client_portal.models import PortalSession
from payment_requests.access import has_billing_access

register = template.Library()
SHOWN = 5  # the latest openings; older ones stay in the table


@register.inclusion_tag("client_portal/_staff_open.html", takes_context=True)
def portal_staff_panel(context, client):
    user = context["request"].user
    allowed = client is not None and client.pk is not None and has_billing_access(user)
    openings = []
    if allowed:
        openings = list(
            PortalSession.objects.filter(client=client, opened_by__isnull=False)
            .select_related("opened_by")
            .order_by("-created_at", "-pk")[:SHOWN]
        )
    return {"allowed": allowed, "client": client, "openings": openings, **context.flatten()}
