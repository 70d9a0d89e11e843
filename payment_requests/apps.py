from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentRequestsConfig(AppConfig):
    name = "payment_requests"
    verbose_name = _("Client Billing")

    def ready(self):
        from billing_saas.navigation import MenuEntry, add_menu_entry
        from payment_requests import live, periodic_jobs, receivers, solution  # noqa: F401
        from payment_requests.access import has_billing_access
        from payment_requests.services import messages

        live.connect()
        messages.register()

        add_menu_entry(
            MenuEntry(
                _("Client Billing"),
                "payment_requests:dashboard",
                "billing",
                visible_to=has_billing_access,
                order=100,
            )
        )
        add_menu_entry(
            MenuEntry(
                _("Clients"),
                "clients:list",
                "users",
                visible_to=has_billing_access,
                order=110,
            )
        )
