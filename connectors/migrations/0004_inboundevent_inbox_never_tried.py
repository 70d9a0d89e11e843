from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('connectors', '0003_remotepayment_amount_refunded'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='inboundevent',
            index=models.Index(condition=models.Q(('attempts', 0), ('processed_at__isnull', True)), fields=['id'], name='inbox_never_tried'),
        ),
    ]
