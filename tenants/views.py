"""Pages of the root domain: the landing page, sign-up and "find my account"."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_tenants.utils import schema_context

from billing_saas.client_address import client_ip
from billing_saas.languages import country_from_browser
from tenants import account_links
from tenants.forms import AccountLinksForm, FindAccountForm, SignUpForm
from tenants.members.services import create_login_handoff
from tenants.models import Tenant
from tenants.services import NewAccount, create_account
from tenants.urls_helpers import account_url

TENANT_URLCONF = settings.ROOT_URLCONF


def landing(request):
    return render(request, "tenants/landing.html")


@require_http_methods(["GET", "POST"])
def signup(request):
    guess = {"country": country_from_browser(request.headers.get("Accept-Language", ""))}
    form = SignUpForm(request.POST or None, initial=guess)
    if request.method == "POST" and form.is_valid():
        # The account speaks the language its owner signed up in.
        data = NewAccount(**form.cleaned_data, language=request.LANGUAGE_CODE)
        try:
            tenant, owner = create_account(data)
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
    context = {"form": form, "links_form": AccountLinksForm()}
    return render(request, "tenants/find_account.html", context)


@require_POST
def email_account_links(request):
    """Emails the address its accounts' sign-in links; the answer never says if it has any."""
    links_form = AccountLinksForm(request.POST)
    if not links_form.is_valid():
        context = {"form": FindAccountForm(), "links_form": links_form}
        return render(request, "tenants/find_account.html", context, status=400)
    account_links.request_account_links(
        links_form.cleaned_data["email"], client_ip=client_ip(request)
    )
    return redirect("account_links_sent")


def account_links_sent(request):
    return render(request, "tenants/account_links_sent.html")
