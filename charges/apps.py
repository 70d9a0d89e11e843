from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChargesConfig(AppConfig):
    name = "charges"
    verbose_name = _("Charges")

    def ready(self):
        from charges import receivers  # noqa: F401
        from charges.services import bills_charges
        from payment_requests.services import drafts

        drafts.KEEPS_CLIENT_AND_CURRENCY.append(bills_charges)
