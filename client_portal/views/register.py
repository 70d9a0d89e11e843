"""Registering as a new client (while Settings → Client portal lets anyone): the page that
asks, and the emailed link that confirms the address and opens the new client's portal."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from billing_saas import languages
from billing_saas.client_address import client_ip
from client_portal import registration, sessions
from client_portal.forms import RegistrationForm
from client_portal.layout import brand_context
from client_portal.views.access import too_many


@never_cache
@require_http_methods(["GET", "POST"])
def register_page(request):
    if not registration.is_open():
        raise Http404("registration is off")
    if sessions.current_session(request) is not None:
        return redirect("client_portal:home")
    form = RegistrationForm(request.POST or None)
    context = {"form": form, **brand_context(request)}
    if request.method == "POST" and form.is_valid():
        refused = registration.ask_to_register(form.details(), client_ip=client_ip(request))
        if refused is None:
            # The same page whether the address is new or a client's already.
            return render(
                request, "client_portal/sign_in_sent.html", {**context, "registered": True}
            )
        context["error"] = too_many(refused)
        return render(request, "client_portal/register.html", context, status=429)
    return render(request, "client_portal/register.html", context)


@never_cache
@require_GET
def confirm_registration(request, token):
    """A usable link makes its client (or finds the one that has its address), signs it in
    and lands on its portal; any other link is refused, with a way to ask again."""
    if not registration.is_open():
        return _refused(request, status=404, can_register=False)
    found = registration.find(token)
    if found is None:
        return _refused(request, status=404)
    if found.language in languages.CODES:
        translation.activate(found.language)
    client = registration.confirm(found)
    if client is not None:
        session, key = sessions.open_session(client)
        response = redirect("client_portal:home")
        sessions.set_cookie(response, session, key)
        return response
    current = sessions.current_session(request)
    if current is not None and current.client_id == found.client_id:
        return redirect("client_portal:home")  # the same browser, opening it again
    return _refused(request, status=410)


def _refused(request, *, status: int, can_register: bool = True):
    context = {"can_register": can_register, **brand_context(request)}
    return render(request, "client_portal/registration_refused.html", context, status=status)
