from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SolutionsConfig(AppConfig):
    name = "solutions"
    verbose_name = _("Solution catalog")

    def ready(self):
        # The tasks module too, in every process: services queue the installation by name,
        # and Celery discovers tasks by itself only in workers (not in the web process).
        from billing_saas.navigation import MenuEntry, add_menu_entry
        from solutions import tasks  # noqa: F401

        # Users know it as the Catalog, at /catalog/ (billing_saas/urls_tenant.py).
        add_menu_entry(MenuEntry(_("Catalog"), "solutions:index", "grid", order=850, new_tab=True))
