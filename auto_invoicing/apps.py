from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AutoInvoicingConfig(AppConfig):
    name = "auto_invoicing"
    verbose_name = _("Automated invoicing")

    def ready(self):
        from auto_invoicing import periodic_jobs  # noqa: F401
