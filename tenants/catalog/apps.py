from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "tenants.catalog"
    label = "catalog"
    verbose_name = _("Solution catalog")

    def ready(self):
        from billing_saas.navigation import MenuEntry, add_menu_entry

        # Registered in every process, web ones too: services find them by name.
        from tenants.catalog import tasks  # noqa: F401

        add_menu_entry(MenuEntry(_("Catalog"), "catalog:index", "grid", order=850, new_tab=True))
