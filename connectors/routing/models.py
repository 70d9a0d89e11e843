from __future__ import annotations

from django.db import models

from tenants.models import RoutingQuerySet, Tenant


class AccountRoute(models.Model):
    """Which account a platform account (``acct_…``, QuickBooks realm id) belongs to."""

    platform = models.CharField(max_length=20)
    mode = models.CharField(max_length=8)
    remote_account_id = models.CharField(max_length=100)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    connection_id = models.PositiveIntegerField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Webhooks find their account through a per-process memo (connectors/inbox.py): every
    # change, bulk updates included, tells it to forget.
    objects = RoutingQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "mode", "remote_account_id"],
                condition=models.Q(active=True),
                name="one_active_route_per_platform_account",
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.remote_account_id} → {self.tenant_id}"


class OAuthState(models.Model):
    """An onboarding in flight: stored hashed, bound to one account and user, used once."""

    state_hash = models.CharField(max_length=64, unique=True)
    platform = models.CharField(max_length=20)
    mode = models.CharField(max_length=8)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    user_id = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.platform} onboarding for {self.tenant_id}"
