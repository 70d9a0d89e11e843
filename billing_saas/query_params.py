"""Reading numbers and dates from a page's query string without trusting it.

``"²".isdigit()`` is true but ``int("²")`` fails, and an id longer than the database's integer
overflows in the query: a view that reads ``request.GET`` itself goes through these, which answer
``None`` for anything that is not a usable value, so the page shows as if it were absent.
"""

from __future__ import annotations

from datetime import date

MAX_ID = 2**63 - 1  # PostgreSQL's bigint, the type of our primary keys (BigAutoField)
MAX_DIGITS = 20


def positive_int(value: str | None, maximum: int = MAX_ID) -> int | None:
    """``value`` as an int in 1..maximum, written with ASCII digits only; otherwise None."""
    text = (value or "").strip()
    if not text or len(text) > MAX_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= maximum else None


def iso_date(value: str | None) -> date | None:
    """``value`` as a date written YYYY-MM-DD; otherwise None."""
    text = (value or "").strip()
    if len(text) != len("YYYY-MM-DD") or not text.isascii():
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
