"""Requests become documents with lines and taxes.

Every existing request becomes a one-line document: its description, quantity 1, its amount
as the unit price, no discount, no tax. Its amount, status and history are not touched.
"""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


def one_line_per_request(apps, schema_editor):
    PaymentRequest = apps.get_model("payment_requests", "PaymentRequest")
    DocumentLine = apps.get_model("payment_requests", "DocumentLine")
    requests = PaymentRequest.objects.filter(lines__isnull=True).order_by("pk")
    batch = []
    for request in requests.only("pk", "description", "amount").iterator(chunk_size=2000):
        batch.append(
            DocumentLine(
                request_id=request.pk,
                position=1,
                description=request.description,
                quantity=1,
                unit_price=request.amount,
                discount=0,
                amount=request.amount,
            )
        )
        if len(batch) >= 2000:
            DocumentLine.objects.bulk_create(batch)
            batch = []
    DocumentLine.objects.bulk_create(batch)
    # .update() leaves updated_at alone: the request did not change, its shape did.
    PaymentRequest.objects.filter(subtotal=0, tax_total=0).update(
        subtotal=models.F("amount")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("payment_requests", "0009_quotes_become_proposals"),
    ]

    operations = [
        migrations.CreateModel(
            name="TaxRate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=40, verbose_name="name")),
                (
                    "rate",
                    models.DecimalField(
                        decimal_places=3,
                        max_digits=6,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("100")),
                        ],
                        verbose_name="rate (%)",
                    ),
                ),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["name", "rate", "pk"],
            },
        ),
        migrations.AddField(
            model_name="paymentrequest",
            name="subtotal",
            field=models.DecimalField(
                decimal_places=2, default=0, max_digits=12, verbose_name="subtotal"
            ),
        ),
        migrations.AddField(
            model_name="paymentrequest",
            name="tax_total",
            field=models.DecimalField(
                decimal_places=2, default=0, max_digits=12, verbose_name="taxes"
            ),
        ),
        migrations.CreateModel(
            name="DocumentLine",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveIntegerField()),
                ("description", models.CharField(max_length=300, verbose_name="description")),
                (
                    "quantity",
                    models.DecimalField(decimal_places=3, max_digits=12, verbose_name="quantity"),
                ),
                (
                    "unit_price",
                    models.DecimalField(decimal_places=2, max_digits=12, verbose_name="unit price"),
                ),
                (
                    "discount",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=12, verbose_name="discount"
                    ),
                ),
                (
                    "amount",
                    models.DecimalField(decimal_places=2, max_digits=12, verbose_name="amount"),
                ),
                (
                    "reference",
                    models.CharField(blank=True, max_length=200, verbose_name="reference"),
                ),
                (
                    "request",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="lines",
                        to="payment_requests.paymentrequest",
                    ),
                ),
            ],
            options={
                "ordering": ["position", "pk"],
            },
        ),
        migrations.CreateModel(
            name="LineTax",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=40)),
                ("rate", models.DecimalField(decimal_places=3, max_digits=6)),
                ("amount", models.DecimalField(decimal_places=2, max_digits=12)),
                (
                    "line",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="applied_taxes",
                        to="payment_requests.documentline",
                    ),
                ),
                (
                    "tax_rate",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="payment_requests.taxrate",
                    ),
                ),
            ],
            options={
                "ordering": ["pk"],
            },
        ),
        migrations.AddField(
            model_name="documentline",
            name="tax_rates",
            field=models.ManyToManyField(
                blank=True,
                related_name="+",
                through="payment_requests.LineTax",
                to="payment_requests.taxrate",
            ),
        ),
        migrations.AddConstraint(
            model_name="linetax",
            constraint=models.UniqueConstraint(
                fields=("line", "tax_rate"), name="one_tax_per_rate_per_line"
            ),
        ),
        migrations.AddConstraint(
            model_name="documentline",
            constraint=models.UniqueConstraint(
                fields=("request", "position"), name="one_line_per_position"
            ),
        ),
        migrations.AddConstraint(
            model_name="documentline",
            constraint=models.CheckConstraint(
                condition=models.Q(("quantity__gt", 0)), name="line_quantity_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="documentline",
            constraint=models.CheckConstraint(
                condition=models.Q(("discount__gte", 0), ("unit_price__gte", 0)),
                name="line_not_negative",
            ),
        ),
        migrations.RunPython(one_line_per_request, migrations.RunPython.noop),
    ]
