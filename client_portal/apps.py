from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientPortalConfig(AppConfig):
    name = "client_portal"
    verbose_name = _("Client portal")
