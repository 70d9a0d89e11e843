"""Getting into the portal: emailed links, the sign-in page, signing out."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing_saas.client_address import client_ip
from client_portal import links, registration, sessions, sign_in
from client_portal.forms import SignInForm
from client_portal.layout import brand_context


def _target(link) -> str:
    return link.target if links.is_portal_path(link.target) else "/portal/"


@never_cache
@require_GET
def open_link(request, token):
    """A usable link signs its client in and lands on its target; a used or expired one
    offers a fresh link (or goes on, for a browser already signed in as that client). A dead
    one (its document canceled or withdrawn) is answered as a link that never existed."""
    link = _live(token)
    if link is None:
        return _link_page(request, None, token, status=404)
    sessions.speak_to(link.client)
    if links.claim(link):
        session, key = sessions.open_session(link.client)
        response = redirect(_target(link))
        sessions.set_cookie(response, session, key)
        return response
    current = sessions.current_session(request)
    if current is not None and current.client_id == link.client_id:
        return redirect(_target(link))
    return _link_page(request, link, token)


@never_cache
@require_POST
def fresh_link(request, token):
    link = _live(token)
    if link is None:
        return _link_page(request, None, token, status=404)
    sessions.speak_to(link.client)
    refused = sign_in.ask_for_fresh_link(link, client_ip=client_ip(request))
    if refused is not None:
        return _link_page(request, link, token, error=too_many(refused), status=429)
    return _link_page(request, link, token, sent=True)


def _live(token):
    """The link of ``token``, unless there is none or it is dead: a canceled document's link
    opens no session and offers no fresh link, for anyone."""
    link = links.find(token)
    if link is None or links.is_dead(link):
        return None
    return link


def _link_page(request, link, token, *, status=200, **extra):
    return render(
        request,
        "client_portal/link_used.html",
        {"link": link, "token": token, **brand_context(request), **extra},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_page(request):
    if sessions.current_session(request) is not None:
        return redirect("client_portal:home")
    form = SignInForm(request.POST or None)
    context = {"form": form, "can_register": registration.is_open(), **brand_context(request)}
    if request.method == "POST" and form.is_valid():
        refused = sign_in.ask_for_link(form.cleaned_data["email"], client_ip=client_ip(request))
        if refused is None:
            return render(request, "client_portal/sign_in_sent.html", context)
        context["error"] = too_many(refused)
        return render(request, "client_portal/sign_in.html", context, status=429)
    return render(request, "client_portal/sign_in.html", context)


def too_many(refused) -> str:
    return ngettext(
        "Too many attempts, try again in %(minutes)s minute.",
        "Too many attempts, try again in %(minutes)s minutes.",
        refused.minutes,
    ) % {"minutes": refused.minutes}


@never_cache
@require_POST
def sign_out(request):
    session = sessions.current_session(request)
    if session is not None:
        sessions.end_session(session)
    response = redirect("client_portal:sign_in")
    sessions.delete_cookie(response)
    return response
