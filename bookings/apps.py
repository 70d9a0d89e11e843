from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self):
        from billing_saas.navigation import MenuEntry, add_menu_entry
        from payment_requests.access import has_billing_access

        # Part of Client Billing (its access rule), right after Quotes (105).
        add_menu_entry(
            MenuEntry(
                _("Bookings"),
                "bookings:list",
                "calendar",
                visible_to=has_billing_access,
                order=107,
            )
        )
