"""Deleting stops being a status (``deleted_at`` says it); refunds become statuses.

A request whose status was "deleted" gets back the status it had when it was deleted, and the
history row of the deletion becomes a note on that status, so nothing of the history is lost.
"""

from django.db import migrations, models


def deleted_is_not_a_status(apps, schema_editor):
    PaymentRequest = apps.get_model("payment_requests", "PaymentRequest")
    StatusChange = apps.get_model("payment_requests", "StatusChange")
    for change in StatusChange.objects.filter(to_status="deleted").order_by("pk"):
        change.to_status = change.from_status or "draft"
        change.note = change.note or "Deleted"
        change.save(update_fields=["to_status", "note"])
    for request in PaymentRequest.objects.filter(status="deleted"):
        before = (
            StatusChange.objects.filter(request=request)
            .exclude(to_status="deleted")
            .order_by("-created_at", "-pk")
            .values_list("to_status", flat=True)
            .first()
        )
        request.status = before or "draft"
        request.save(update_fields=["status"])


def deleted_is_a_status_again(apps, schema_editor):
    PaymentRequest = apps.get_model("payment_requests", "PaymentRequest")
    StatusChange = apps.get_model("payment_requests", "StatusChange")
    StatusChange.objects.filter(note="Deleted", from_status=models.F("to_status")).update(
        to_status="deleted"
    )
    PaymentRequest.objects.filter(deleted_at__isnull=False).exclude(
        status__in=("sent", "overdue", "paid")
    ).update(status="deleted")


class Migration(migrations.Migration):
    dependencies = [("payment_requests", "0005_languages")]

    operations = [
        migrations.AlterField(
            model_name="paymentrequest",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("sending", "Sending"),
                    ("sent", "Sent (pending)"),
                    ("paid", "Paid"),
                    ("overdue", "Overdue"),
                    ("expired", "Expired"),
                    ("canceled", "Canceled"),
                    ("partially_refunded", "Partially refunded"),
                    ("refunded", "Refunded"),
                ],
                db_index=True,
                default="draft",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="statuschange",
            name="from_status",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AlterField(
            model_name="statuschange",
            name="to_status",
            field=models.CharField(max_length=20),
        ),
        migrations.RunPython(deleted_is_not_a_status, deleted_is_a_status_again),
    ]
