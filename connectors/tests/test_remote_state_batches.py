"""A worker's batch (``apply_many``) ends exactly where applying its events one by one ends.

Hypothesis draws a few objects some earlier events already created, then a sequence of
events over them: statuses up and down their rank, contradictory final states, amounts,
payments (new, repeated, for something void), failures, our request's id; copies and old
snapshots mixed in. Both ways, in transactions rolled back after each example, must leave
the same objects and payments, give each event the same result, and announce the same
changes in the same order.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import TestCase
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given, note
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from connectors import remote_state
from connectors.base import Money, PaymentInfo, RemoteStatus, WebhookEvent
from connectors.models import Connection, RemoteObject, RemotePayment
from connectors.signals import remote_objects_changed

KINDS = {"in_a": "invoice", "in_b": "invoice", "plink_c": "payment_link"}
PAID_AT = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def money():
    return st.builds(
        Money,
        st.integers(0, 40).map(lambda cents: Decimal(cents * 2500) / 100),
        st.sampled_from(["EUR", "USD"]),
    )


@st.composite
def events(draw, prefix: str):
    remote_id = draw(st.sampled_from(sorted(KINDS)))
    payment = draw(
        st.none()
        | st.builds(
            PaymentInfo,
            st.sampled_from(["pi_1", "pi_2", "pi_3"]),
            money(),
            st.just(PAID_AT),
            st.sampled_from(["", "Visa •••• 4242"]),
        )
    )
    return WebhookEvent(
        event_id=f"{prefix}{draw(st.integers(0, 10**6))}",
        object_kind=KINDS[remote_id],
        remote_id=remote_id,
        occurred_at=PAID_AT,
        status=draw(st.none() | st.sampled_from(list(RemoteStatus))),
        amount_due=draw(st.none() | money()),
        amount_paid=draw(st.none() | money()),
        payment=payment,
        failure_message=draw(st.sampled_from(["", "Your card was declined."])),
        local_ref=draw(st.sampled_from(["", "7", "8"])),
    )


@st.composite
def histories(draw):
    """(events applied earlier, the batch): the batch repeats and reorders its events."""
    earlier = draw(st.lists(events("evt_earlier_"), max_size=4))
    distinct = draw(st.lists(events("evt_"), min_size=1, max_size=8))
    order = draw(st.lists(st.integers(0, len(distinct) - 1), min_size=1, max_size=16))
    return earlier, [distinct[index] for index in order]


@contextmanager
def announcements():
    """What ``remote_objects_changed`` tells once the transaction's work commits (the
    callbacks are run at the end of the block, inside the test's transaction)."""
    heard = []

    def hear(sender, changed, **kwargs):
        heard.extend(
            (
                change.remote_object.remote_id,
                change.event.event_id,
                change.payment.remote_payment_id if change.payment else None,
                tuple(change.changes),
            )
            for change in changed
        )

    remote_objects_changed.connect(hear, dispatch_uid="batch-test")
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            yield heard
    finally:
        remote_objects_changed.disconnect(dispatch_uid="batch-test")


def state(connection) -> dict:
    return {
        "objects": sorted(
            RemoteObject.objects.filter(connection=connection).values_list(
                "remote_id",
                "kind",
                "status",
                "currency",
                "amount_due",
                "amount_paid",
                "last_failure",
                "local_ref",
                "needs_attention",
                "attention_note",
            )
        ),
        "payments": sorted(
            RemotePayment.objects.filter(connection=connection).values_list(
                "remote_payment_id",
                "remote_object__remote_id",
                "amount",
                "currency",
                "method",
                "paid_at",
                "amount_refunded",
            )
        ),
    }


def results(applied) -> list:
    return [
        (
            result.remote_object.remote_id,
            tuple(result.changes),
            result.payment.remote_payment_id if result.payment else None,
        )
        for result in applied
    ]


def outcome_of(connection, earlier, batch, apply_batch) -> dict:
    """Apply ``earlier`` one by one, then ``batch`` by ``apply_batch``; roll it all back."""
    with transaction.atomic():
        for event in earlier:
            remote_state.apply(connection, event)
        with transaction.atomic(), announcements() as heard:
            applied = apply_batch(connection, batch)
        seen = {"state": state(connection), "results": results(applied), "heard": heard}
        transaction.set_rollback(True)
    return seen


def one_by_one(connection, batch):
    return [remote_state.apply(connection, event) for event in batch]


@pytest.fixture
def connection_(alpha):
    with schema_context(alpha.schema_name):
        yield Connection.objects.create(platform="stripe", remote_account_id="acct_batches")


@hypothesis_settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(history=histories())
def test_a_batch_ends_where_its_events_applied_one_by_one_end(connection_, history):
    earlier, batch = history
    note(f"earlier: {earlier}\nbatch: {batch}")

    alone = outcome_of(connection_, earlier, batch, one_by_one)
    together = outcome_of(connection_, earlier, batch, remote_state.apply_many)

    assert together == alone
