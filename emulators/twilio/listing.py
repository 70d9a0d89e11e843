"""``GET /2010-04-01/Accounts/{sid}/Messages.json``: an account's messages, newest first,
filtered and paged as Twilio does.

Filters: ``To``, ``From``, and ``DateSent`` / ``DateSent>`` (on or after) / ``DateSent<``
(on or before). Twilio compares dates as whole GMT days: ``YYYY-MM-DD``. The ``twilio`` SDK
serialises a ``datetime`` as ``YYYY-MM-DDTHH:MM:SSZ`` (``serialize.iso8601_datetime``), and
only the day of it counts here too, so a caller wanting a precise time must compare the
messages' own timestamps. A message not sent yet (``queued``, ``accepted``) has no
``date_sent`` and matches no date filter.

Paging: ``PageSize`` (default 50, at most 1000) and ``Page`` (from 0); the answer carries
Twilio's ``first_page_uri``, ``next_page_uri``, ``previous_page_uri``, ``uri``, ``page``,
``page_size``, ``start`` and ``end``, which the SDK follows to read on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode

from emulators.twilio.state import API_VERSION, TwilioFault

DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 50, 1000
DATE_FILTERS = {
    "DateSent": lambda day, wanted: day == wanted,
    "DateSent>": lambda day, wanted: day >= wanted,
    "DateSent<": lambda day, wanted: day <= wanted,
}


def filter_day(name: str, value: str) -> date:
    """The GMT day a filter value names: a day, an ISO 8601 or an RFC 2822 timestamp."""
    value = value.strip()
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        if value[:4].isdigit():
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        else:
            moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        raise TwilioFault(400, 20001, f"Invalid {name}: {value}") from None
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()


def _sent_day(message: dict) -> date | None:
    if not message.get("date_sent"):
        return None
    return parsedate_to_datetime(message["date_sent"]).astimezone(UTC).date()


def matching(messages: list[dict], query: dict[str, str]) -> list[dict]:
    tests = [
        (DATE_FILTERS[name], filter_day(name, query[name]))
        for name in DATE_FILTERS
        if query.get(name)
    ]
    found = []
    for message in messages:
        if query.get("To") and message["to"] != query["To"]:
            continue
        if query.get("From") and message["from"] != query["From"]:
            continue
        day = _sent_day(message)
        if tests and (day is None or not all(test(day, wanted) for test, wanted in tests)):
            continue
        found.append(message)
    return found


def _page_number(query: dict[str, str], name: str, default: int) -> int:
    try:
        return int(query.get(name) or default)
    except ValueError:
        raise TwilioFault(400, 20001, f"Invalid {name}: {query[name]}") from None


def page(account_sid: str, messages: list[dict], query: dict[str, str]) -> dict:
    """One page of ``messages`` (already the account's, newest first) as Twilio lists it."""
    found = matching(messages, query)
    size = min(max(_page_number(query, "PageSize", DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE)
    number = max(_page_number(query, "Page", 0), 0)
    start = number * size
    records = found[start : start + size]
    filters = {name: query[name] for name in ("To", "From", *DATE_FILTERS) if query.get(name)}
    base = f"/{API_VERSION}/Accounts/{account_sid}/Messages.json"

    def uri(page_number: int) -> str:
        return f"{base}?{urlencode({**filters, 'PageSize': size, 'Page': page_number})}"

    return {
        "messages": records,
        "end": start + len(records) - 1 if records else start,
        "first_page_uri": uri(0),
        "next_page_uri": uri(number + 1) if start + size < len(found) else None,
        "page": number,
        "page_size": size,
        "previous_page_uri": uri(number - 1) if number > 0 else None,
        "start": start,
        "uri": uri(number),
    }
