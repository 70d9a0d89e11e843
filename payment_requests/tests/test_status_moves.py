"""A request's status changes only along the moves users can expect; every other is refused."""

from __future__ import annotations

import itertools

import pytest
from django_tenants.utils import schema_context

from payment_requests import states
from payment_requests.models import PaymentRequest, StatusChange
from payment_requests.tests.conftest import make_request

S = PaymentRequest.Status
# Written out here on purpose, not read from ``states``: this is the specification.
EXPECTED = {
    (S.DRAFT, S.SENDING), (S.DRAFT, S.CANCELED),
    (S.DRAFT, S.SENT),  # marked sent: sent by hand, without the platform
    (S.SENDING, S.SENT), (S.SENDING, S.DRAFT),
    (S.SENT, S.OVERDUE), (S.SENT, S.PAID), (S.SENT, S.EXPIRED), (S.SENT, S.CANCELED),
    (S.OVERDUE, S.PAID), (S.OVERDUE, S.EXPIRED), (S.OVERDUE, S.CANCELED),
    (S.EXPIRED, S.PAID), (S.EXPIRED, S.CANCELED),
    (S.CANCELED, S.PAID),
    (S.PAID, S.PARTIALLY_REFUNDED), (S.PAID, S.REFUNDED),
    (S.PAID, S.SENT), (S.PAID, S.OVERDUE),  # a manual payment undone
    (S.PARTIALLY_REFUNDED, S.REFUNDED),
}  # fmt: skip
PAIRS = list(itertools.product(S.values, repeat=2))


def test_deleting_is_not_a_status():
    assert "deleted" not in S.values


@pytest.fixture
def draft(alpha):
    return make_request(alpha)


@pytest.mark.parametrize(("start", "target"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_each_move_is_allowed_or_refused_with_a_reason(alpha, draft, start, target):
    with schema_context(alpha.schema_name):
        PaymentRequest.objects.filter(pk=draft.pk).update(status=start)
        request = PaymentRequest.objects.get(pk=draft.pk)
        before = StatusChange.objects.filter(request=request).count()
        if (start, target) in EXPECTED:
            states.move(request, target, StatusChange.Source.USER)
            request.save()
            assert PaymentRequest.objects.get(pk=draft.pk).status == target
            last = StatusChange.objects.filter(request=request).latest("pk")
            assert (last.from_status, last.to_status) == (start, target)
        else:
            with pytest.raises(states.IllegalMove) as refused:
                states.move(request, target, StatusChange.Source.USER)
            assert S(start).label.lower() in refused.value.message
            assert S(target).label.lower() in refused.value.message
            assert PaymentRequest.objects.get(pk=draft.pk).status == start
            assert StatusChange.objects.filter(request=request).count() == before


def test_a_note_keeps_the_status_and_is_kept_in_the_history(alpha, draft):
    with schema_context(alpha.schema_name):
        request = PaymentRequest.objects.get(pk=draft.pk)
        states.note(request, StatusChange.Source.USER, "Deleted")
        assert request.status == S.DRAFT
        assert request.history.last().note_text == "Deleted"


def test_canceling_a_refunded_request_is_refused_on_the_page(alpha, draft, owner_client):
    with schema_context(alpha.schema_name):
        PaymentRequest.objects.filter(pk=draft.pk).update(status=S.REFUNDED)
    page = owner_client.post(f"/billing/requests/{draft.pk}/cancel/", follow=True)
    assert "cannot be canceled" in page.content.decode()
    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.get(pk=draft.pk).status == S.REFUNDED
