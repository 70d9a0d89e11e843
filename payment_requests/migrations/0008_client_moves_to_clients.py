"""Clients now live in their own app (clients/migrations/0001_initial.py renamed the table):
the foreign keys point there and the model leaves this app, in the state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0001_initial"),
        ("payment_requests", "0007_refunds"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="platformcustomer",
                    name="client",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="platform_ids",
                        to="clients.client",
                    ),
                ),
                migrations.AlterField(
                    model_name="paymentrequest",
                    name="client",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="requests",
                        to="clients.client",
                        verbose_name="client",
                    ),
                ),
                migrations.DeleteModel(name="Client"),
            ],
        ),
    ]
