from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentMethodsConfig(AppConfig):
    name = "payment_methods"
    verbose_name = _("Saved payment methods")
