"""The solutions catalog was ``tenants.catalog`` (label ``catalog``): its installations keep
their rows. A schema made before the move has ``catalog_installation``, which is renamed (with
its id sequence, and the model's content type follows); a new schema gets the table made
here, the old app's migrations being gone."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD_TABLE = "catalog_installation"


def rename_or_create(apps, schema_editor):
    model = apps.get_model("solutions", "Installation")
    # The current schema's tables only (django-tenants' introspection).
    if OLD_TABLE in schema_editor.connection.introspection.table_names():
        _rename(schema_editor, OLD_TABLE, model._meta.db_table)
    else:
        schema_editor.create_model(model)


def rename_back(apps, schema_editor):
    model = apps.get_model("solutions", "Installation")
    _rename(schema_editor, model._meta.db_table, OLD_TABLE)


def _rename(schema_editor, old, new):
    quote = schema_editor.quote_name
    schema_editor.execute(f"ALTER TABLE {quote(old)} RENAME TO {quote(new)}")
    schema_editor.execute(
        f"ALTER SEQUENCE IF EXISTS {quote(old + '_id_seq')} RENAME TO {quote(new + '_id_seq')}"
    )


def move_content_type(apps, schema_editor, old="catalog", new="solutions"):
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    # The new one exists only if something created it before this ran: keep it then.
    if not content_types.filter(app_label=new, model="installation").exists():
        content_types.filter(app_label=old, model="installation").update(app_label=new)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old="solutions", new="catalog")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("connectors", "0003_remotepayment_amount_refunded"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The model in the state here; the table by ``rename_or_create`` just after, which
        # reads the model from that state.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Installation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("solution", models.CharField(max_length=50, unique=True)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("installing", "Installation started"),
                                    ("installed", "Installed"),
                                    ("failed", "Installation failed"),
                                    ("uninstalled", "Not installed"),
                                ],
                                default="installing",
                                max_length=12,
                            ),
                        ),
                        ("progress", models.JSONField(blank=True, default=list)),
                        ("failure", models.TextField(blank=True)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("installed_at", models.DateTimeField(blank=True, null=True)),
                        ("uninstalled_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "connection",
                            models.ForeignKey(
                                blank=True,
                                help_text="Where new payment requests go.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="connectors.connection",
                            ),
                        ),
                        (
                            "started_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                ),
            ],
        ),
        migrations.RunPython(rename_or_create, rename_back),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
