"""``make bench``: issue 12's performance figures, each beside its ceiling from the same run.

What it measures, on gunicorn (2 sync workers) under ``wrk`` (1 thread, 4 connections):

- the Client Billing dashboard (``payment_requests:dashboard``) of an account with 10,000
  payment requests and 10,000 clients, signed in as its owner (a billing admin), in req/s,
  beside a bare view on the same stack (same settings, middleware, server and host);
- the same page for an account with 10 requests and 10 clients (the large one should be
  nearly as fast);
- SQL statements per dashboard page (in-process, ``SET search_path`` included), for both;
- signed Stripe webhooks accepted per second on the root domain's test endpoint (distinct
  ``invoice.paid`` events of a connected account, signed moments before each round), beside a
  bare POST view reading the same bodies;
- a Celery worker (2 processes) applying the events those rounds stored, in events/s;
- tenant routing per request with 1,000 account schemas: the bare view on every account's
  host in turn over one connection, with and without the tenant middleware;
- ``migrate_schemas --executor multiprocessing`` with nothing to apply, over all schemas;
- invoice PDFs (``bench/pdfs.py``) and a 500-line quote's SQL statements and save time
  beside a 5-line one's (``bench/quotes.py``); ``--only pdfs`` / ``--only quotes`` measures
  just those, in process;
- automated invoicing's cycles (``bench/cycles.py``, ``--only cycles``): 200 accounts × 50
  clients × 3 charges in Draft mode beside the same rows by bare SQL, statements per client,
  and Send invoices on the Stripe emulator beside the same SDK calls made bare.

Each figure is the min / median / max of several rounds (``--rounds``, ``--seconds``); value
and ceiling rounds alternate. The bench keeps its own data under ``.data/bench`` (its own
embedded PostgreSQL and Redis; ``make dev``'s data is untouched), seeds it once with the
product's services (accounts, Stripe connections through the emulator, Client Billing
installed) plus ``bulk_create`` for rows, and reuses it on later runs. The bare views live in
``bench/bare_views.py`` and are routed only by the bench's settings (``bench/settings.py``).
Exit status 1 when a goal is missed.
"""
