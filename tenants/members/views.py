"""Sign-in, invitations, the employees page and the profile, on an account's subdomain."""

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tenants.members import services
from tenants.members.forms import (
    AcceptInvitationForm,
    EmailAuthenticationForm,
    InviteForm,
    ProfileForm,
    RoleForm,
    ThrottledPasswordResetForm,
)
from tenants.members.models import Invitation, User
from tenants.members.permissions import billing_admin_required
from tenants.members.tokens import account_password_reset_token

AUTH_BACKEND = "django.contrib.auth.backends.ModelBackend"


class LoginView(auth_views.LoginView):
    template_name = "members/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ThrottledPasswordResetForm
    template_name = "members/password_reset.html"
    email_template_name = "members/emails/password_reset.txt"
    html_email_template_name = "members/emails/password_reset.html"
    subject_template_name = "members/emails/password_reset_subject.txt"
    token_generator = account_password_reset_token
    success_url = reverse_lazy("members:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "members/password_reset_confirm.html"
    token_generator = account_password_reset_token
    success_url = reverse_lazy("members:password_reset_complete")
    post_reset_login = True
    post_reset_login_backend = AUTH_BACKEND


def welcome(request, token):
    """Logs in the owner who just signed up on the root domain (single-use handoff link)."""
    user = services.redeem_login_handoff(token)
    if user is None:
        messages.error(request, _("That sign-in link has expired. Please sign in."))
        return redirect("members:login")
    login(request, user, backend=AUTH_BACKEND)
    messages.success(request, _("Welcome to %(account)s!") % {"account": request.tenant.name})
    return redirect("dashboard")


@require_http_methods(["GET", "POST"])
def accept_invitation(request, token):
    try:
        invitation = services.find_open_invitation(token)
    except ValidationError as exc:
        return render(
            request, "members/invitation_invalid.html", {"reason": exc.messages[0]}, status=410
        )
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(token, **form.cleaned_data)
        except services.MemberError as exc:
            form.add_error(None, exc)
        except ValidationError as exc:  # the password validators' messages
            form.add_error("password", exc)
        else:
            login(request, user, backend=AUTH_BACKEND)
            messages.success(request, _("Welcome aboard, %(name)s!") % {"name": user.full_name})
            return redirect("dashboard")
    return render(
        request, "members/accept_invitation.html", {"form": form, "invitation": invitation}
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    profile_form = ProfileForm(instance=request.user)
    password_form = PasswordChangeForm(request.user)
    if request.method == "POST" and request.POST.get("form") == "profile":
        profile_form = ProfileForm(request.POST, instance=request.user)
        if profile_form.is_valid():
            profile_form.save()
            messages.success(request, _("Your profile was saved."))
            return redirect("members:profile")
    elif request.method == "POST" and request.POST.get("form") == "password":
        password_form = PasswordChangeForm(request.user, request.POST)
        if password_form.is_valid():
            password_form.save()
            update_session_auth_hash(request, password_form.user)
            messages.success(request, _("Your password was changed."))
            return redirect("members:profile")
    return render(
        request,
        "members/profile.html",
        {"profile_form": profile_form, "password_form": password_form},
    )


@billing_admin_required
@require_http_methods(["GET", "POST"])
def employees(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite(
                request.user,
                form.cleaned_data["email"],
                form.cleaned_data["role"],
                accept_url_for=lambda token: request.build_absolute_uri(
                    reverse("members:accept_invitation", kwargs={"token": token})
                ),
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % form.cleaned_data)
            return redirect("members:employees")
    query = request.GET.get("q", "").strip()
    members = User.objects.all()
    if query:
        members = members.filter(full_name__icontains=query) | members.filter(
            email__icontains=query
        )
    page = Paginator(members.order_by("full_name", "email"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "members/employees.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "invitations": Invitation.objects.pending().select_related("invited_by"),
            "role_form": RoleForm(),
        },
        status=400 if form.errors else 200,
    )


def _member_action(request, pk, action):
    member = get_object_or_404(User, pk=pk)
    try:
        action(member)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You are not allowed to do that."))
    return redirect("members:employees")


@billing_admin_required
@require_POST
def change_role(request, pk):
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown role."))
        return redirect("members:employees")

    def act(member):
        services.change_role(request.user, member, form.cleaned_data["role"])
        messages.success(
            request,
            _("%(name)s is now %(role)s.")
            % {
                "name": member,
                "role": dict(RoleForm.base_fields["role"].choices)[form.cleaned_data["role"]],
            },
        )

    return _member_action(request, pk, act)


@billing_admin_required
@require_POST
def deactivate(request, pk):
    def act(member):
        services.set_active(request.user, member, False)
        messages.success(request, _("%(name)s was deactivated.") % {"name": member})

    return _member_action(request, pk, act)


@billing_admin_required
@require_POST
def reactivate(request, pk):
    def act(member):
        services.set_active(request.user, member, True)
        messages.success(request, _("%(name)s was reactivated.") % {"name": member})

    return _member_action(request, pk, act)


@billing_admin_required
@require_POST
def revoke_invitation(request, pk):
    invitation = get_object_or_404(Invitation, pk=pk)
    services.revoke_invitation(request.user, invitation)
    messages.success(
        request, _("The invitation to %(email)s was revoked.") % {"email": invitation.email}
    )
    return redirect("members:employees")
