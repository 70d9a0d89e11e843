"""The catalog, and what its search needs from PostgreSQL.

Every account's search path is "<account>, public" (django-tenants), and extensions belong to
the whole database: ``unaccent`` and ``pg_trgm`` are created once, in the public schema, so
every account finds them. This migration runs once per account schema: the first one creates
them, the others find them (IF NOT EXISTS, OR REPLACE). Accounts migrate in parallel
(``migrate_schemas --executor=multiprocessing``): a transaction-scoped advisory lock makes the
creations take turns, so two schemas never race to create the same extension (a unique
violation) or replace the same function ("tuple concurrently updated").

``unaccent()`` is only STABLE (its dictionary could change), and an index needs an IMMUTABLE
expression: ``public.immutable_unaccent`` wraps it, naming the dictionary and the function
with their schema so the result never depends on a search path. Rolling back drops neither:
other accounts' indexes use them.
"""

import billing_saas.currencies
import django.contrib.postgres.indexes
import django.core.validators
import products.models
from decimal import Decimal
from django.db import migrations, models


SEARCH_LOCK = 7716002  # any constant, the same in every schema's run of this migration
SEARCH_FUNCTIONS = f"""
SELECT pg_advisory_xact_lock({SEARCH_LOCK});
CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
CREATE OR REPLACE FUNCTION public.immutable_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
"""


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('payment_requests', '0011_notify_by'),
    ]

    operations = [
        migrations.RunSQL(SEARCH_FUNCTIONS, reverse_sql=migrations.RunSQL.noop, elidable=False),
        migrations.CreateModel(
            name='Product',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('description', models.TextField(blank=True, max_length=2000, verbose_name='description')),
                ('unit_price', models.DecimalField(decimal_places=2, max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='unit price')),
                ('currency', models.CharField(choices=billing_saas.currencies.CURRENCIES, default='EUR', max_length=3, verbose_name='currency')),
                ('unit', models.CharField(blank=True, choices=[('hour', 'hour'), ('day', 'day'), ('week', 'week'), ('month', 'month'), ('year', 'year'), ('item', 'item'), ('unit', 'unit'), ('project', 'project'), ('session', 'session'), ('kg', 'kilogram'), ('m', 'metre'), ('m2', 'square metre'), ('l', 'litre')], max_length=10, verbose_name='unit')),
                ('is_archived', models.BooleanField(default=False, verbose_name='archived')),
                ('archived_at', models.DateTimeField(blank=True, null=True, verbose_name='archived at')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('tax_rates', models.ManyToManyField(blank=True, related_name='+', to='payment_requests.taxrate', verbose_name='taxes')),
            ],
            options={
                'ordering': ['name', 'pk'],
                'indexes': [models.Index(fields=['is_archived', 'name', 'id'], name='product_by_name'), django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(products.models.SearchKey('name'), name='gin_trgm_ops'), name='product_name_trgm'), django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(products.models.SearchKey('description'), name='gin_trgm_ops'), name='product_description_trgm')],
                'constraints': [models.CheckConstraint(condition=models.Q(('unit_price__gte', 0)), name='product_price_not_negative')],
            },
        ),
    ]
