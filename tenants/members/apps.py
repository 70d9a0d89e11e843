from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "tenants.members"
    label = "members"
    verbose_name = _("Members")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from tenants.members.sign_in_limits import forget_failures_on_sign_in

        user_logged_in.connect(forget_failures_on_sign_in, dispatch_uid="members.sign_in_limits")
