"""Form widgets for choosing a client, on any page that needs one."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from billing_saas.query_params import positive_int
from clients.models import Client


class ClientPicker(forms.Widget):
    """Pick a client by typing part of its name, company or email: the server suggests a
    few (``clients:suggestions``), so the page never carries every client of the account.
    The chosen client's id travels in a hidden input named like the field."""

    template_name = "clients/widgets/client_picker.html"

    def __init__(self, *, placeholder=None, submit_on_pick=False, typed="", attrs=None):
        super().__init__(attrs)
        self.placeholder = placeholder or _("Search clients")
        self.submit_on_pick = submit_on_pick
        self.typed = typed  # text typed without picking (a filter that works without JS)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        picked = None
        if pk := positive_int(str(value if value is not None else "")):
            picked = Client.objects.only("name", "company").filter(pk=pk).first()
        context["widget"].update(
            label=str(picked) if picked else self.typed,
            value=str(picked.pk) if picked else "",
            placeholder=self.placeholder,
            submit_on_pick=self.submit_on_pick,
            suggestions_url=reverse("clients:suggestions"),
        )
        return context

    def id_for_label(self, id_):
        return f"{id_}_search" if id_ else id_

    def value_from_datadict(self, data, files, name):
        return data.get(name) or None
