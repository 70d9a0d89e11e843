"""The ceilings of ``bench/cycles.py``: what the cycle's work costs with none of our logic.

- ``DraftRows``: the rows a Draft-mode cycle wrote for one account's clients (its run, and
  per client the request, its lines, its history entry and the run's record of it), copied
  as they are and inserted again by psycopg's ``executemany`` (prepared statements,
  pipelined), with the charges marked billed by one ``UPDATE … FROM unnest(…)``: in each
  account's schema, one transaction per account, as the cycle does.
- ``BareInvoices``: the Stripe calls a sent invoice makes (customer, the drafts listed,
  invoice, one item per charge, the draft read back, finalised), made with the same SDK on
  the same connected accounts of the same emulator, with nothing of ours around them.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from dataclasses import dataclass

import psycopg
from django.db import connection as db
from django.db import transaction
from django_tenants.utils import schema_context
from psycopg.types.json import Jsonb

from tenants.models import Tenant


@dataclass
class _Table:
    name: str
    columns: list[str]  # without ``id``
    rows: list[list]  # of the model account, in the order the cycle wrote them

    def insert(self, cursor, rows: list[list], returning: bool = False) -> list[int]:
        """``rows`` inserted by one ``executemany`` (prepared, pipelined); their ids."""
        marks = ", ".join(["%s"] * len(self.columns))
        sql = f"INSERT INTO {self.name} ({', '.join(self.columns)}) VALUES ({marks})"
        cursor.executemany(sql + (" RETURNING id" if returning else ""), rows, returning=returning)
        ids = []
        while returning:
            ids.append(cursor.fetchone()[0])
            returning = cursor.nextset()
        return ids

    def index(self, column: str) -> int:
        return self.columns.index(column)


def _read(cursor, table: str, where: str, params, order: str) -> _Table:
    cursor.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY {order}", params)
    columns = [column.name for column in cursor.description]
    keep = [i for i, name in enumerate(columns) if name != "id"]
    rows = [
        [Jsonb(row[i]) if isinstance(row[i], dict | list) else row[i] for i in keep]
        for row in cursor.fetchall()
    ]
    return _Table(table, [columns[i] for i in keep], rows)


class DraftRows:
    """The rows of one account's last run, to be written again anywhere (see the module)."""

    def __init__(self, run: _Table, requests: _Table, lines: _Table, history: _Table,
                 documents: _Table) -> None:  # fmt: skip
        self.run, self.requests, self.lines = run, requests, lines
        self.history, self.documents = history, documents
        self.run.rows[0][self.run.index("status")] = "finished"  # never one run in progress
        # Per client (in client order): its lines and its history entries, by position.
        self.per_request = len(lines.rows) // len(requests.rows)
        self.history_per_request = len(history.rows) // len(requests.rows)

    @classmethod
    def of_last_run(cls, tenant: Tenant) -> DraftRows:
        from auto_invoicing.models import InvoicingRun

        with schema_context(tenant.schema_name), db.cursor() as cursor:
            run = InvoicingRun.objects.order_by("-pk").values_list("pk", flat=True).first()
            documents = "SELECT request_id FROM auto_invoicing_rundocument WHERE run_id = %s"
            return cls(
                _read(cursor, "auto_invoicing_invoicingrun", "id = %s", [run], "id"),
                _read(cursor, "payment_requests_paymentrequest", f"id IN ({documents})",
                      [run], "client_id"),
                _read(cursor, "payment_requests_documentline", f"request_id IN ({documents})",
                      [run], "request_id, position"),
                _read(cursor, "payment_requests_statuschange", f"request_id IN ({documents})",
                      [run], "request_id, id"),
                _read(cursor, "auto_invoicing_rundocument", "run_id = %s", [run], "client_id"),
            )  # fmt: skip

    def insert_everywhere(self, accounts: list[Tenant], charges: dict[str, list[list[int]]]
                          ) -> float:  # fmt: skip
        """The rows written in every account, ``charges`` (per schema, client by client)
        marked billed; the seconds it took."""
        started = time.perf_counter()
        for tenant in accounts:
            with schema_context(tenant.schema_name):
                self._insert(charges[tenant.schema_name])
        return time.perf_counter() - started

    def _insert(self, charges: list[list[int]]) -> None:
        # Django's cursor sets the account's search_path; psycopg's own, on the same connection
        # and transaction, binds on the server: statements prepared once, rows sent as they are.
        with transaction.atomic(), db.cursor() as django_cursor:
            cursor = psycopg.Cursor(django_cursor.cursor.connection)
            cursor.execute("SELECT id FROM clients_client ORDER BY id")
            clients = [row[0] for row in cursor.fetchall()]
            (run,) = self.run.insert(cursor, self.run.rows, returning=True)
            requests = self.requests.insert(
                cursor, self._with(self.requests, self.requests.rows, client_id=clients),
                returning=True,
            )  # fmt: skip
            lines = [requests[i // self.per_request] for i in range(len(self.lines.rows))]
            self.lines.insert(cursor, self._with(self.lines, self.lines.rows, request_id=lines))
            entries = [requests[i // self.history_per_request]
                       for i in range(len(self.history.rows))]  # fmt: skip
            self.history.insert(
                cursor, self._with(self.history, self.history.rows, request_id=entries)
            )
            rows = self._with(self.documents, self.documents.rows, client_id=clients,
                              request_id=requests, run_id=[run] * len(requests))  # fmt: skip
            self.documents.insert(cursor, rows)
            billed = [(pk, request) for ids, request in zip(charges, requests, strict=True)
                      for pk in ids]  # fmt: skip
            cursor.execute(
                "UPDATE charges_charge SET state = 'billed', request_id = v.request, "
                "billed_at = now() FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, request) "
                "WHERE charges_charge.id = v.id",
                [[pk for pk, _request in billed], [request for _pk, request in billed]],
            )

    @staticmethod
    def _with(table: _Table, rows: list[list], **columns: list) -> list[list]:
        """``rows`` with ``columns`` replaced, row by row."""
        replaced = [list(row) for row in rows]
        for name, values in columns.items():
            at = table.index(name)
            for row, value in zip(replaced, values, strict=True):
                row[at] = value
        return replaced


class BareInvoices:
    """What the emulator does for a sent invoice, asked by the SDK with nothing of ours."""

    def __init__(self, accounts: list[Tenant]) -> None:
        from connectors.models import Connection
        from connectors.stripe.client import client_for

        self.accounts = []
        for tenant in accounts:
            with schema_context(tenant.schema_name):
                connection = Connection.objects.filter(
                    platform="stripe", mode="test", status=Connection.Status.CONNECTED
                ).latest("created_at")
                self.accounts.append(connection.remote_account_id)
        self.api = client_for("test").v1

    def create_everywhere(self, clients: int, prices) -> float:
        """``clients`` invoices of ``prices`` in each account; the seconds it took."""
        run = uuid.uuid4().hex[:12]  # keys of their own, as each real send has
        started = time.perf_counter()
        for account in self.accounts:
            for client in range(clients):
                self._invoice(account, f"bench-{run}-{client}", client, prices)
        return time.perf_counter() - started

    def _invoice(self, account: str, key: str, client: int, prices) -> None:
        api, options = self.api, {"stripe_account": account}
        customer = api.customers.create(
            {"name": f"Client {client:03d}", "email": f"client{client:03d}@clients.example",
             "metadata": {"client_id": str(client)}},
            {**options, "idempotency_key": f"{key}:customer"},
        )["id"]  # fmt: skip
        api.invoices.list({"status": "draft", "limit": 100}, options)
        invoice = api.invoices.create(
            {"customer": customer, "collection_method": "send_invoice", "due_date":
             int(time.time()) + 14 * 86400, "auto_advance": False, "currency": "eur",
             "description": "Charges", "pending_invoice_items_behavior": "exclude",
             "metadata": {"request_id": key}},
            {**options, "idempotency_key": f"{key}:invoice"},
        )["id"]  # fmt: skip
        for index, price in enumerate(prices):
            api.invoice_items.create(
                {"customer": customer, "invoice": invoice, "currency": "eur",
                 "description": f"Session {index + 1}", "amount": int(price * 100),
                 "metadata": {"request_id": key}},
                {**options, "idempotency_key": f"{key}:item:{index}"},
            )  # fmt: skip
        api.invoices.retrieve(invoice, {}, options)
        api.invoices.finalize_invoice(
            invoice, {"auto_advance": False}, {**options, "idempotency_key": f"{key}:finalize"}
        )


@contextlib.contextmanager
def unsaved(emulator):
    """The emulator keeps its state in memory only meanwhile: it writes its whole state to
    its file at every change, a cost that grows with each invoice and that Stripe has not.
    What it made meanwhile is left out of the file (the rows naming it are truncated)."""
    state = getattr(emulator, "state", None)
    saved = getattr(state, "state_file", None)
    if state is not None:
        state.state_file = None
    try:
        yield
    finally:
        if state is not None:
            state.state_file = saved
