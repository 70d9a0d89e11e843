from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuotesConfig(AppConfig):
    name = "quotes"
    verbose_name = _("Quotes")

    def ready(self):
        from billing_saas.navigation import MenuEntry, add_menu_entry
        from notifications import delivery
        from payment_requests.access import has_billing_access
        from payment_requests.services import pdfs
        from quotes import periodic_jobs  # noqa: F401
        from quotes.pdf import printed
        from quotes.services.sending import DOCUMENT, outdated

        # Quotes print on the documents' layout, rendered and kept like invoices.
        pdfs.KINDS["quote"] = printed
        delivery.OUTDATED_IF[DOCUMENT] = outdated
        # Part of Client Billing (its access rule), right after its dashboard (100).
        add_menu_entry(
            MenuEntry(
                _("Quotes"),
                "quotes:list",
                "file",
                visible_to=has_billing_access,
                order=105,
            )
        )
