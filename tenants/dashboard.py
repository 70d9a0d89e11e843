from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from tenants.members.models import Invitation, User


@login_required
def dashboard(request):
    """The account's home: what is set up, and what to do next."""
    context = {
        "member_count": User.objects.filter(is_active=True).count(),
        "pending_invitations": Invitation.objects.pending().count(),
    }
    return render(request, "tenants/dashboard.html", context)
