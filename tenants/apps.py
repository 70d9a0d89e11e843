from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("Provider accounts")

    def ready(self):
        from billing_saas.navigation import MenuEntry, add_menu_entry
        from tenants import periodic_jobs  # noqa: F401  (registers housekeeping jobs)
        from tenants.routing_cache import connect_signals

        connect_signals()

        add_menu_entry(MenuEntry(_("Dashboard"), "dashboard", "home", order=0))
        add_menu_entry(
            MenuEntry(
                _("Employees"),
                "members:employees",
                "users",
                visible_to=lambda user: user.is_billing_admin,
                order=900,
            )
        )
