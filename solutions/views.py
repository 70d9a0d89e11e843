"""The catalog, a solution's details, the install wizard and the installation's progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing_saas.query_params import positive_int
from billing_saas.refusals import ActionRefused
from connectors.models import Connection
from solutions import registry, services
from solutions.models import Installation

STEPS = ("welcome", "platform", "connection", "confirm")
PLATFORM_NAMES = dict(Connection.Platform.choices)


def _solution(slug):
    solution = registry.get(slug)
    if solution is None:
        raise Http404
    return solution


@login_required
@require_GET
def index(request):
    installed = {row.solution: row for row in Installation.objects.all()}
    tiles = [(solution, installed.get(solution.slug)) for solution in registry.all_solutions()]
    return render(request, "solutions/index.html", {"tiles": tiles})


@login_required
@require_GET
def detail(request, slug):
    solution = _solution(slug)
    return render(
        request,
        "solutions/detail.html",
        {
            "solution": solution,
            "installation": services.installation(slug),
            "platform_names": [PLATFORM_NAMES[code] for code in solution.platforms],
        },
    )


def _admin_only(request):
    if not request.user.is_billing_admin:
        raise PermissionDenied(_("Only billing administrators can install or remove solutions."))


@login_required
@require_http_methods(["GET", "POST"])
def wizard(request, slug):
    """Install → Welcome → platform → connection (existing or new) → Install."""
    solution = _solution(slug)
    _admin_only(request)
    key = f"solutions:wizard:{slug}"
    state = request.session.get(key, {})
    step = request.GET.get("step", "welcome")
    if step not in STEPS:
        step = "welcome"
    here = reverse("solutions:wizard", args=[slug])
    if request.method == "POST":
        if step == "platform":
            platform = request.POST.get("platform", "")
            if platform not in solution.platforms:
                messages.error(request, _("Choose one of the platforms."))
                return redirect(f"{here}?step=platform")
            request.session[key] = {"platform": platform}
            return redirect(f"{here}?step=connection")
        if step == "connection":
            chosen = Connection.objects.filter(
                pk=positive_int(request.POST.get("connection")) or 0,
                platform=state.get("platform"),
                status=Connection.Status.CONNECTED,
            ).first()
            if chosen is None:
                messages.error(request, _("Choose a connection, or create a new one."))
                return redirect(f"{here}?step=connection")
            request.session[key] = {**state, "connection": chosen.pk}
            return redirect(f"{here}?step=confirm")
        if step == "confirm":
            connection = Connection.objects.filter(pk=state.get("connection") or 0).first()
            try:
                services.start(slug, user=request.user, connection=connection)
            except ActionRefused as refused:
                messages.error(request, refused.message)
                return redirect(f"{here}?step=connection")
            request.session.pop(key, None)
            return redirect("solutions:progress", slug=slug)
    if step in ("connection", "confirm") and not state.get("platform"):
        return redirect(f"{here}?step=platform")
    platform = state.get("platform", "")
    context = {
        "solution": solution,
        "step": step,
        "here": here,
        "platforms": [(code, PLATFORM_NAMES[code]) for code in solution.platforms],
        "platform": platform,
        "platform_name": PLATFORM_NAMES.get(platform, ""),
        "connections": Connection.objects.filter(
            platform=platform, status=Connection.Status.CONNECTED
        ),
        "chosen": Connection.objects.filter(pk=state.get("connection") or 0).first(),
        "come_back": f"{here}?step=connection",
    }
    return render(request, "solutions/wizard.html", context)


@login_required
@require_GET
def progress(request, slug):
    solution = _solution(slug)
    installation = services.installation(slug)
    if installation is None:
        return redirect("solutions:detail", slug=slug)
    return render(
        request,
        "solutions/progress.html",
        {
            "solution": solution,
            "installation": installation,
            "steps": [(step.name, step.key in installation.progress) for step in solution.steps],
        },
    )


@login_required
@require_POST
def retry(request, slug):
    _solution(slug)
    _admin_only(request)
    installation = services.installation(slug)
    try:
        services.start(
            slug, user=request.user, connection=installation.connection if installation else None
        )
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect(reverse("solutions:wizard", args=[slug]) + "?step=platform")
    return redirect("solutions:progress", slug=slug)


@login_required
@require_POST
def uninstall(request, slug):
    solution = _solution(slug)
    _admin_only(request)
    try:
        services.uninstall(
            slug, user=request.user, confirm_open=request.POST.get("confirm_open") == "yes"
        )
    except ActionRefused as refused:
        messages.warning(request, refused.message)
        return redirect("solutions:detail", slug=slug)
    messages.success(
        request,
        _(
            "%(solution)s was uninstalled. Its history is kept: "
            "reinstall it to find everything again."
        )
        % {"solution": solution.name},
    )
    return redirect("solutions:detail", slug=slug)
