from datetime import timedelta

from celery import current_app, shared_task
from django.db import connection
from django.utils import timezone

from tenants.members.models import Invitation, LoginHandoff, Role, User
from tenants.services import active_tenants
from tenants.tasking import tenant_task


@shared_task
def dispatch_to_accounts(task_name: str) -> int:
    """Queue ``task_name`` once per active account, each with its own schema name."""
    schemas = list(active_tenants().values_list("schema_name", flat=True))
    for schema_name in schemas:
        current_app.send_task(task_name, args=[schema_name])
    return len(schemas)


@shared_task
def email_account_links(email: str, language: str = "") -> bool:
    """ "Find my account" by email: looks the address up in every account, emails its links."""
    from tenants.account_links import email_account_links as send_links

    return send_links(email, language)


@tenant_task
def purge_expired_tokens(tenant) -> dict:
    """Delete used or expired sign-in handoffs and invitations expired for over 30 days."""
    now = timezone.now()
    handoffs, _ = LoginHandoff.objects.filter(expires_at__lt=now).delete()
    invitations, _ = Invitation.objects.filter(
        accepted_at__isnull=True, expires_at__lt=now - timedelta(days=30)
    ).delete()
    return {"account": tenant.slug, "handoffs": handoffs, "invitations": invitations}


@tenant_task(ignore_result=False)  # its answer is what the caller waits for
def ping_account(tenant) -> dict:
    """Proves a worker reaches this account's schema: what it sees there (for ops and tests)."""
    owners = User.objects.filter(role=Role.ACCOUNT_OWNER).values_list("email", flat=True)
    return {"schema": connection.schema_name, "account": tenant.slug, "owners": sorted(owners)}
