from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectorsConfig(AppConfig):
    name = "connectors"
    verbose_name = _("Payment platforms")

    def ready(self):
        from billing_saas.navigation import MenuEntry, add_menu_entry
        from connectors import (
            periodic_jobs,  # noqa: F401  (registers reconciliation)
            tasks,  # noqa: F401  (queued by name: connectors/inbox.py)
        )

        add_menu_entry(
            MenuEntry(
                _("Payment platforms"),
                "connectors:connections",
                "billing",
                visible_to=lambda user: user.is_billing_admin,
                order=800,
            )
        )
