"""Billing keeps refunds: on each payment (``Payment.amount_refunded``) and on its request.

Refunds the platform reported before this change were recorded on ``RemotePayment`` only; they
are copied onto billing's record, and a paid request they refunded takes its refunded status,
with a history row saying so (no email: they are old news).
"""

from django.db import migrations, models


def copy_recorded_refunds(apps, schema_editor):
    Payment = apps.get_model("payment_requests", "Payment")
    StatusChange = apps.get_model("payment_requests", "StatusChange")
    refunded = Payment.objects.filter(remote_payment__amount_refunded__gt=0).select_related(
        "request", "remote_payment"
    )
    requests = {}
    for payment in refunded.order_by("pk"):
        payment.amount_refunded = min(payment.remote_payment.amount_refunded, payment.amount)
        payment.save(update_fields=["amount_refunded"])
        request = requests.setdefault(payment.request_id, payment.request)
        request.amount_refunded += payment.amount_refunded
    for request in requests.values():
        if request.status == "paid":
            to = (
                "refunded"
                if request.amount_refunded >= request.amount_paid
                else ("partially_refunded")
            )
            StatusChange.objects.create(
                request=request,
                from_status=request.status,
                to_status=to,
                source="platform",
                note="Refund of %(amount)s",
                note_params={"amount": str(request.amount_refunded), "currency": request.currency},
            )
            request.status = to
        request.save(update_fields=["amount_refunded", "status"])


class Migration(migrations.Migration):
    dependencies = [("payment_requests", "0006_one_state_machine")]

    operations = [
        migrations.AddField(
            model_name="payment",
            name="amount_refunded",
            field=models.DecimalField(decimal_places=2, default=0, max_digits=12),
        ),
        migrations.AddField(
            model_name="payment",
            name="refunded_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="paymentrequest",
            name="amount_refunded",
            field=models.DecimalField(decimal_places=2, default=0, max_digits=12),
        ),
        migrations.RunPython(copy_recorded_refunds, migrations.RunPython.noop),
    ]
