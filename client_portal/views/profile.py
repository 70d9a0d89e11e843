"""The client's own contact details: name, company, phones, address, language and whether
it gets text messages. The email address is not changed here: the portal's sign-in links
go to it, so a borrowed session could otherwise take the client's portal for good; the
client asks the account to change it."""

from __future__ import annotations

from django import forms
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from billing_saas import languages
from client_portal.forms import mobile_field
from client_portal.layout import layout_context
from client_portal.sessions import portal_client_required, speak_to
from clients.models import Client

MAX_ADDRESS = 500


class ProfileForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("Language"), required=False)
    address = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=MAX_ADDRESS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    sms_opted_out = forms.BooleanField(
        label=_("Do not send me text messages"),
        required=False,
        help_text=_("Invoices and reminders then come by email only."),
    )

    class Meta:
        model = Client
        fields = ["name", "company", "phone", "mobile", "address", "language", "sms_opted_out"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mobile"] = mobile_field(_("Mobile"))
        account = languages.name(languages.account_language())
        self.fields["language"].choices = languages.choices(
            _("The account's (%(language)s)") % {"language": account}
        )
        self.fields["phone"].label = _("Phone")
        self.fields["name"].label = _("Name")
        self.fields["company"].label = _("Company")

    def save(self, commit=True):
        client = super().save(commit=False)
        was_opted_out = Client.objects.filter(pk=client.pk, sms_opted_out=True).exists()
        if client.sms_opted_out and not was_opted_out:
            client.sms_opted_out_at = timezone.now()  # when SMS stopped, as a STOP reply says
        elif not client.sms_opted_out:
            client.sms_opted_out_at = None
        if commit:
            client.save()
        return client


@never_cache
@require_http_methods(["GET", "POST"])
@portal_client_required
def profile(request):
    # A copy: an invalid form changes its instance, and the header shows the saved name.
    client = Client.objects.get(pk=request.portal_client.pk)
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=client)
        if form.is_valid():
            form.save()
            speak_to(client)  # the new language, from this very answer on
            return redirect(f"{request.path}?saved=1")
        status = 400
    else:
        form = ProfileForm(instance=client)
        status = 200
    context = {
        **layout_context(request, "profile"),
        "form": form,
        "saved": request.method == "GET" and request.GET.get("saved") == "1",
    }
    return render(request, "client_portal/profile.html", context, status=status)
