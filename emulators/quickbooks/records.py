"""What the emulated QuickBooks Online keeps and answers with: companies, their objects, and
errors in Intuit's shape."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime


class QboFault(Exception):
    """An error answered as QuickBooks does: a ``Fault`` body with an HTTP status."""

    def __init__(
        self, status: int, message: str, code: str, detail: str = "", kind="ValidationFault"
    ):
        super().__init__(message)
        self.status = status
        self.body = {
            "Fault": {
                "Error": [{"Message": message, "Detail": detail or message, "code": code}],
                "type": kind,
            },
            "time": now_iso(),
        }


class OAuthFault(Exception):
    def __init__(self, error: str, status: int = 400):
        super().__init__(error)
        self.status = status
        self.body = {"error": error}


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000-00:00")


@dataclass
class Company:
    realm_id: str
    name: str
    email: str
    objects: dict[str, dict[str, dict]] = field(default_factory=dict)  # kind → id → object
    next_id: int = 1
    changes: list[tuple[float, str, str]] = field(default_factory=list)  # (t, kind, id)
    request_ids: dict[str, tuple[int, dict]] = field(default_factory=dict)
    window: deque = field(default_factory=deque)
    in_flight: int = 0
    connected: bool = True


def public(obj: dict) -> dict:
    return {key: value for key, value in obj.items() if not key.startswith("_")}
