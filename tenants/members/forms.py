import logging
from dataclasses import replace

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from billing_saas import languages
from notifications.notify import Recipient, notify
from tenants.members.models import Role, User, hash_token

logger = logging.getLogger(__name__)


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class ThrottledPasswordResetForm(PasswordResetForm):
    """At most one reset email per address every PASSWORD_RESET_EMAIL_MINUTES.

    The page answers the same whether or not an email went out, so it reveals no address; the
    cache key is per account (the cache prefixes keys with the schema).
    """

    def get_users(self, email):
        digest = hash_token(email.strip().lower())
        first_in_window = cache.add(
            f"password-reset-sent:{digest}", True, settings.PASSWORD_RESET_EMAIL_MINUTES * 60
        )
        return super().get_users(email) if first_in_window else iter(())

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Through ``notify`` (the registry names the templates, the view's names are not
        used), in the member's own language: whoever asks, the email is read by its owner."""
        recipient = replace(Recipient.for_member(context["user"]), email=to_email)
        try:
            notify(recipient, "member.password_reset", {**context, "from_email": from_email})
        except Exception:  # noqa: BLE001 - as Django's: the page must answer the same anyway
            logger.exception("Failed to send password reset email to %s", context["user"].pk)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EMPLOYEE)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput,
        help_text=password_validation.password_validators_help_text_html(),
    )


class ProfileForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("Language"), required=False)

    class Meta:
        model = User
        fields = ["full_name", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        account = languages.name(languages.account_language())
        self.fields["language"].choices = languages.choices(
            _("The account's (%(language)s)") % {"language": account}
        )
