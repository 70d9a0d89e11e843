"""A quote's statuses move only as the table says, each move in its history; the daily job
expires quotes whose validity passed in the account's time zone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import owner_of
from quotes import services, states
from quotes.models import Quote
from quotes.tasks import expire_quotes
from quotes.tests.conftest import quebec_quote

Status = Quote.Status


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Status.DRAFT, Status.APPROVED),
        (Status.DRAFT, Status.VIEWED),
        (Status.DECLINED, Status.APPROVED),
        (Status.EXPIRED, Status.APPROVED),
        (Status.CONVERTED, Status.CANCELED),
        (Status.CANCELED, Status.SENT),
        (Status.APPROVED, Status.DECLINED),
    ],
)
def test_illegal_moves_are_refused_and_change_nothing(alpha, start, target):
    quote = quebec_quote(alpha)
    with schema_context(alpha.schema_name):
        Quote.objects.filter(pk=quote.pk).update(status=start)
        quote.refresh_from_db()
        with pytest.raises(states.IllegalMove, match="cannot become"):
            states.move(quote, target, states.QuoteStatusChange.Source.USER)
        assert quote.status == start
        assert quote.history.count() == 1  # its creation only


def test_a_draft_cannot_be_approved_nor_declined(alpha):
    quote = quebec_quote(alpha)
    with schema_context(alpha.schema_name):
        with pytest.raises(services.ActionRefused):
            services.approve(quote.pk, actor=owner_of(alpha))
        with pytest.raises(services.ActionRefused):
            services.decline(quote.pk, "No")
        assert Quote.objects.get(pk=quote.pk).invoice is None


def test_the_daily_job_expires_open_quotes_past_their_validity_only(
    alpha, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), schema_context(alpha.schema_name):
        owner = owner_of(alpha)
        stale = services.send_quote(quebec_quote(alpha).pk, actor=owner)
        fresh = services.send_quote(quebec_quote(alpha).pk, actor=owner)
        draft = quebec_quote(alpha)
        yesterday = services.account_today() - timedelta(days=1)
        Quote.objects.filter(pk__in=[stale.pk, draft.pk]).update(valid_until=yesterday)

    report = expire_quotes.apply(args=[alpha.schema_name]).get()

    assert report["expired"] == 1
    with schema_context(alpha.schema_name):
        statuses = dict(Quote.objects.values_list("pk", "status"))
        assert statuses == {stale.pk: "expired", fresh.pk: "sent", draft.pk: "draft"}
        change = Quote.objects.get(pk=stale.pk).history.get(to_status="expired")
        assert change.get_source_display() == "the daily schedule"


def test_validity_is_counted_in_the_accounts_time_zone(alpha):
    """ "Today" for a quote's validity is the account's date, not the server's (UTC)."""
    from tenants.models import Tenant

    Tenant.objects.filter(pk=alpha.pk).update(time_zone="Pacific/Auckland")
    # A fresh copy: ``alpha`` is shared by the whole run, and the change above rolls back.
    auckland = Tenant.objects.get(pk=alpha.pk)
    with schema_context(alpha.schema_name):
        from django.utils import timezone

        auckland_today = timezone.localdate(timezone.now(), auckland.tzinfo)
        assert services.account_today() == auckland_today
