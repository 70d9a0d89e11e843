"""Pages of the root domain: the landing page, sign-up and "find my account"."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_tenants.utils import schema_context

from tenants.forms import FindAccountForm, SignUpForm
from tenants.members.services import create_login_handoff
from tenants.models import Tenant
from tenants.services import NewAccount, create_account
from tenants.urls_helpers import account_url

TENANT_URLCONF = settings.ROOT_URLCONF


def landing(request):
    return render(request, "tenants/landing.html")


@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tenant, owner = create_account(NewAccount(**form.cleaned_data))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            with schema_context(tenant.schema_name):
                token = create_login_handoff(owner)
            path = reverse("members:welcome", kwargs={"token": token}, urlconf=TENANT_URLCONF)
            return redirect(account_url(tenant, path, request))
    return render(
        request, "tenants/signup.html", {"form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def find_account(request):
    form = FindAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        tenant = Tenant.objects.filter(slug=form.cleaned_data["subdomain"], is_active=True).first()
        if tenant is not None:
            return redirect(
                account_url(tenant, reverse("members:login", urlconf=TENANT_URLCONF), request)
            )
        form.add_error("subdomain", _("No account uses this subdomain."))
    return render(request, "tenants/find_account.html", {"form": form})
