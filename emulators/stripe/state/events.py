"""Events: what Stripe emits on every change, and lists for reconciliation."""

from __future__ import annotations

import json

from emulators.stripe.objects import build, new_id, page_of
from emulators.stripe.state.core import API_VERSION, AccountData, public


class EventsMixin:
    """Every emitted event is kept on its account and handed to ``on_event`` (webhooks)."""

    def emit(self, account_id: str, event_type: str, obj: dict, previous: dict | None = None):
        data = self.accounts[account_id]
        event = build(
            "event",
            id=new_id("event"),
            api_version=API_VERSION,
            created=self.now(),
            data={"object": json.loads(json.dumps(public(obj)))}
            | ({"previous_attributes": previous} if previous else {}),
            livemode=bool(data.account.get("_livemode")),
            pending_webhooks=1,
            request={"id": None, "idempotency_key": None},
            type=event_type,
        )
        event["account"] = account_id
        data.events.append(event)
        self.save()
        self.on_event(event)
        return event

    def list_events(self, data: AccountData, params: dict, url: str) -> dict:
        events = list(reversed(data.events))
        if params.get("type"):
            events = [e for e in events if e["type"] == params["type"]]
        created = params.get("created")
        if isinstance(created, dict) and created.get("gte"):
            events = [e for e in events if e["created"] >= int(created["gte"])]
        return page_of(events, params, url)
