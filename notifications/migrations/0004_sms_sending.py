import django.core.validators
import phonenumber_field.modelfields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0003_email_sending'),
    ]

    operations = [
        migrations.CreateModel(
            name='SmsSending',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('mode', models.CharField(choices=[('default', 'Default sending'), ('custom', 'Your own Twilio account')], default='default', max_length=8, verbose_name='sending')),
                ('account_sid', models.CharField(blank=True, max_length=34, validators=[django.core.validators.RegexValidator('^AC[0-9a-fA-F]{32}$', 'Enter the account SID from your Twilio console: AC followed by 32 digits and letters a to f.')], verbose_name='account SID')),
                ('encrypted_auth_token', models.TextField(blank=True, editable=False)),
                ('from_number', phonenumber_field.modelfields.PhoneNumberField(blank=True, help_text='A number of your Twilio account that can send SMS.', max_length=128, region=None, verbose_name='sender number')),
                ('messaging_service_sid', models.CharField(blank=True, help_text='Instead of a number: your messaging service picks the sender.', max_length=34, validators=[django.core.validators.RegexValidator('^MG[0-9a-fA-F]{32}$', 'Enter a messaging service SID: MG followed by 32 digits and letters a to f.')], verbose_name='messaging service SID')),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
        ),
    ]
