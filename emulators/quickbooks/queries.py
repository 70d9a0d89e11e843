"""The part of QuickBooks' query language the connector speaks (``POST …/query``):
``SELECT * FROM <Entity> [WHERE <Field> = '<value>' [AND …]] [ORDERBY …] [STARTPOSITION n]
[MAXRESULTS n]``. A reference field (``CustomerRef``) compares by its id, as in QuickBooks.
"""

from __future__ import annotations

import re

from emulators.quickbooks.records import Company, QboFault, now_iso, public

QUERYABLE = (
    "Customer",
    "Invoice",
    "Payment",
    "RefundReceipt",
    "TaxAgency",
    "TaxCode",
    "TaxRate",
)
STATEMENT = re.compile(
    r"^\s*select\s+\*\s+from\s+(?P<entity>\w+)(?:\s+where\s+(?P<where>.+?))?"
    r"(?:\s+orderby\s+.+?)?(?:\s+startposition\s+\d+)?(?:\s+maxresults\s+(?P<max>\d+))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
CONDITION = re.compile(
    r"^\s*(?P<field>\w+)\s*=\s*(?:'(?P<quoted>(?:[^'\\]|\\.)*)'|(?P<bare>[\w.]+))\s*$"
)


def run_query(company: Company, text: str) -> dict:
    statement = STATEMENT.match(text)
    entity = _entity(statement["entity"]) if statement else None
    if entity is None:
        raise QboFault(
            400, "Error parsing query", "4000", f"QueryParserError: Encountered an error: {text}"
        )
    conditions = [_condition(part, text) for part in _parts(statement["where"])]
    found = [
        public(obj)
        for obj in company.objects.get(entity, {}).values()
        if all(_value(obj.get(field)) == value for field, value in conditions)
    ]
    if statement["max"]:
        found = found[: int(statement["max"])]
    answer = {entity: found, "startPosition": 1, "maxResults": len(found)} if found else {}
    return {"QueryResponse": answer, "time": now_iso()}


def _entity(name: str) -> str | None:
    return next((kind for kind in QUERYABLE if kind.lower() == name.lower()), None)


def _parts(where: str | None) -> list[str]:
    # AND outside quotes: split on it only between conditions (values may contain " and ").
    return re.split(r"\s+and\s+(?=\w+\s*=)", where, flags=re.IGNORECASE) if where else []


def _condition(part: str, text: str) -> tuple[str, str]:
    matched = CONDITION.match(part)
    if matched is None:
        raise QboFault(
            400, "Error parsing query", "4000", f"QueryParserError: Encountered an error: {text}"
        )
    if matched["quoted"] is not None:
        return matched["field"], re.sub(r"\\(.)", r"\1", matched["quoted"])
    return matched["field"], matched["bare"]


def _value(value) -> str:
    if isinstance(value, dict):
        return str(value.get("value", ""))
    if isinstance(value, bool):
        return str(value).lower()
    return "" if value is None else str(value)
