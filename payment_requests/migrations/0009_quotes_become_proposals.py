"""Quotes leave payment requests (they become documents of their own): a request that was a
quote is now a proposal, the closest kind (before service), and its history says so."""

from django.db import migrations, models
from django.utils.translation import gettext_noop

# English in the history, read in each reader's language (StatusChange.note_text).
NOTE = gettext_noop("Was a quote: quotes are now their own documents")


def quotes_become_proposals(apps, schema_editor):
    db = schema_editor.connection.alias
    PaymentRequest = apps.get_model("payment_requests", "PaymentRequest")
    StatusChange = apps.get_model("payment_requests", "StatusChange")
    quotes = PaymentRequest.objects.using(db).filter(kind="quote")
    StatusChange.objects.using(db).bulk_create(
        StatusChange(request_id=pk, from_status=status, to_status=status, source="update", note=NOTE)
        for pk, status in quotes.values_list("pk", "status")
    )
    quotes.update(kind="proposal")


class Migration(migrations.Migration):
    dependencies = [
        ("payment_requests", "0008_client_moves_to_clients"),
    ]

    operations = [
        # Not reversible into quotes: which proposals were quotes is in their history only.
        migrations.RunPython(quotes_become_proposals, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="paymentrequest",
            name="kind",
            field=models.CharField(
                choices=[
                    ("invoice", "Invoice (after service)"),
                    ("proposal", "Proposal (before service)"),
                    ("deposit", "Deposit"),
                    ("other", "Other"),
                ],
                default="invoice",
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="statuschange",
            name="source",
            field=models.CharField(
                choices=[
                    ("user", "a team member"),
                    ("platform", "the payment platform"),
                    ("schedule", "the daily schedule"),
                    ("client", "the client"),
                    ("update", "an update of the product"),
                ],
                max_length=10,
            ),
        ),
    ]
