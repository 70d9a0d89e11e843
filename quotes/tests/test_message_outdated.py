"""A quote's message that has not left yet is dropped once the quote can no longer be
answered (``notifications.delivery.OUTDATED_IF``): no link to approve something canceled."""

from __future__ import annotations

from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import owner_of
from notifications import delivery
from notifications.models import Message
from quotes import services
from quotes.tests.conftest import quebec_quote


def test_a_quote_message_is_outdated_once_the_quote_can_no_longer_be_answered(
    alpha, mailoutbox, django_capture_on_commit_callbacks
):
    quote = quebec_quote(alpha)
    with schema_context(alpha.schema_name), django_capture_on_commit_callbacks(execute=True):
        services.send_quote(quote.pk, actor=owner_of(alpha))
        message = Message.objects.get(document_type="quote", document_id=quote.pk)
        check = delivery.OUTDATED_IF["quote"]
        assert check(message) == ""  # open: it leaves
        services.cancel_quote(quote.pk, actor=owner_of(alpha))
        assert "canceled" in check(message)
