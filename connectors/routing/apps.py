from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "connectors.routing"
    label = "connector_routing"
    verbose_name = _("Payment platform routing")
