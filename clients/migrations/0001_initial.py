"""Clients move out of payment_requests with their rows: the table is renamed, not copied.

On any schema, fresh or not, payment_requests' first migration has created
``payment_requests_client`` by now (see the dependencies); this renames it, with its email
index (named by the app it was created in) and its id sequence, and moves the model's content
type, so that permissions on clients follow. Payment requests' migration
``0008_client_moves_to_clients`` then points its foreign keys here, in the state only: the
database's constraints follow a renamed table by themselves.
"""

import billing_saas.currencies
from django.db import migrations, models

RENAMES = (
    ("TABLE", "payment_requests_client", "clients_client"),
    ("INDEX", "payment_req_email_f94e76_idx", "client_by_email"),
    ("SEQUENCE IF EXISTS", "payment_requests_client_id_seq", "clients_client_id_seq"),
)


def move_table_here(apps, schema_editor):
    quote = schema_editor.quote_name
    for kind, old, new in RENAMES:
        schema_editor.execute(f"ALTER {kind} {quote(old)} RENAME TO {quote(new)}")


def move_table_back(apps, schema_editor):
    quote = schema_editor.quote_name
    for kind, old, new in reversed(RENAMES):
        schema_editor.execute(f"ALTER {kind} {quote(new)} RENAME TO {quote(old)}")


def move_content_type(apps, schema_editor, old="payment_requests", new="clients"):
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    # The new one exists only if something created it before this ran: keep it then.
    if not content_types.filter(app_label=new, model="client").exists():
        content_types.filter(app_label=old, model="client").update(app_label=new)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old="clients", new="payment_requests")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        # The last migration of payment_requests that still has the model.
        ("payment_requests", "0007_refunds"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Client",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        (
                            "company",
                            models.CharField(blank=True, max_length=200, verbose_name="company"),
                        ),
                        ("email", models.EmailField(max_length=254, verbose_name="email")),
                        (
                            "phone",
                            models.CharField(blank=True, max_length=40, verbose_name="phone"),
                        ),
                        ("address", models.TextField(blank=True, verbose_name="address")),
                        (
                            "preferred_currency",
                            models.CharField(
                                choices=billing_saas.currencies.CURRENCIES,
                                default="EUR",
                                max_length=3,
                                verbose_name="preferred currency",
                            ),
                        ),
                        (
                            "language",
                            models.CharField(blank=True, max_length=8, verbose_name="language"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        "ordering": ["name", "pk"],
                        "indexes": [
                            models.Index(fields=["email"], name="client_by_email"),
                            models.Index(fields=["name", "id"], name="client_by_name"),
                        ],
                    },
                ),
            ],
            database_operations=[
                migrations.RunPython(move_table_here, move_table_back),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
