from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChargesConfig(AppConfig):
    name = "charges"
    verbose_name = _("Charges")

    def ready(self):
        from charges import receivers  # noqa: F401
