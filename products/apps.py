from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "products"
    verbose_name = _("Products and services")

    def ready(self):
        from billing_saas.navigation import MenuEntry, add_menu_entry
        from payment_requests.access import has_billing_access

        # Part of Client Billing (its access rule), right after Clients (110).
        add_menu_entry(
            MenuEntry(
                _("Products and services"),
                "products:list",
                "tag",
                visible_to=has_billing_access,
                order=120,
            )
        )
