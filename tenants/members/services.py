"""Operations on the people of an account: invitations, roles, deactivation, log-in handoff.

Views and tasks call these; each one checks its rules and runs in one transaction.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.notify import Recipient, notify
from tenants.members.models import (
    Invitation,
    LoginHandoff,
    Role,
    User,
    hash_token,
    new_token,
)

logger = logging.getLogger(__name__)

HANDOFF_LIFETIME = timedelta(minutes=2)


class MemberError(ValidationError):
    """A rule about members was broken; the message is shown to the user as is."""


def _require_admin(actor: User) -> None:
    if not actor.is_billing_admin:
        raise PermissionDenied(_("Only billing administrators can manage employees."))


def _require_may_assign(actor: User, role: str) -> None:
    if role == Role.ACCOUNT_OWNER and not actor.is_owner:
        raise PermissionDenied(_("Only an Account Owner can make someone an Account Owner."))


def invite(actor: User, email: str, role: str, accept_url_for) -> Invitation:
    """Invite ``email`` to join with ``role``; ``accept_url_for(token)`` builds the link."""
    _require_admin(actor)
    _require_may_assign(actor, role)
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise MemberError(_("%(email)s is already a member of this account.") % {"email": email})
    token, token_hash = new_token()
    now = timezone.now()
    try:
        with transaction.atomic():
            # An expired invitation is no longer listed, so no one could revoke it: close it
            # here, or it would block a new invitation to the same address.
            Invitation.objects.filter(
                email=email, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=now
            ).update(revoked_at=now)
            invitation = Invitation.objects.create(
                email=email,
                role=role,
                token_hash=token_hash,
                invited_by=actor,
                expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
            )
    except IntegrityError:
        raise MemberError(
            _("%(email)s already has a pending invitation. Revoke it to send a new one.")
            % {"email": email}
        ) from None
    # Not a member yet: the account's language.
    notify(
        Recipient(email=email),
        "member.invitation",
        {
            "invitation": invitation,
            "accept_url": accept_url_for(token),
            "account_name": actor_account_name(),
            "inviter": actor,
        },
    )
    logger.info("invitation sent to %s by user %s", email, actor.pk)
    return invitation


def actor_account_name() -> str:
    from django.db import connection

    return getattr(connection.tenant, "name", "")


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    _require_admin(actor)
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def find_open_invitation(token: str) -> Invitation:
    """The invitation for ``token``, or a MemberError saying why it cannot be used."""
    invitation = Invitation.objects.filter(token_hash=hash_token(token)).first()
    if invitation is None or invitation.revoked_at:
        raise MemberError(
            _("This invitation link is not valid. Ask your administrator for a new one.")
        )
    if invitation.accepted_at:
        raise MemberError(_("This invitation was already accepted. Sign in instead."))
    if invitation.is_expired:
        raise MemberError(
            _("This invitation has expired. Ask your administrator to send a new one.")
        )
    return invitation


@transaction.atomic
def accept_invitation(token: str, full_name: str, password: str) -> User:
    invitation = find_open_invitation(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise MemberError(_("This invitation was already accepted. Sign in instead."))
    candidate = User(email=invitation.email, full_name=full_name)
    validate_password(password, candidate)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise MemberError(_("This email already belongs to a member. Sign in instead."))
    user = User.objects.create_user(
        invitation.email, password, full_name=full_name, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    return user


def _active_owner_count_excluding(user: User) -> int:
    owners = User.objects.select_for_update().filter(role=Role.ACCOUNT_OWNER, is_active=True)
    return sum(1 for owner in owners if owner.pk != user.pk)


@transaction.atomic
def change_role(actor: User, member: User, role: str) -> User:
    _require_admin(actor)
    if role not in Role.values:
        raise MemberError(_("Unknown role."))
    member = User.objects.select_for_update().get(pk=member.pk)
    if member.is_owner and not actor.is_owner:
        raise PermissionDenied(_("Only an Account Owner can change an Account Owner's role."))
    if member.pk == actor.pk and not actor.is_owner:
        raise PermissionDenied(_("Ask an Account Owner to change your own role."))
    _require_may_assign(actor, role)
    if member.is_owner and role != Role.ACCOUNT_OWNER and not _active_owner_count_excluding(member):
        raise MemberError(_("The account must keep at least one active Account Owner."))
    member.role = role
    member.save(update_fields=["role"])
    logger.info("user %s set role of user %s to %s", actor.pk, member.pk, role)
    return member


@transaction.atomic
def set_active(actor: User, member: User, active: bool) -> User:
    _require_admin(actor)
    member = User.objects.select_for_update().get(pk=member.pk)
    if member.is_owner and not actor.is_owner:
        raise PermissionDenied(
            _("Only an Account Owner can deactivate or reactivate an Account Owner.")
        )
    if not active:
        if member.pk == actor.pk:
            raise MemberError(_("You cannot deactivate yourself."))
        if member.is_owner and not _active_owner_count_excluding(member):
            raise MemberError(_("The account must keep at least one active Account Owner."))
    member.is_active = active
    member.save(update_fields=["is_active"])
    if not active:
        _end_sessions_of(member)
    logger.info("user %s set active=%s on user %s", actor.pk, active, member.pk)
    return member


def _end_sessions_of(member: User) -> None:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.sessions.models import Session

    # Through the session store, which also forgets its cached copy (cached_db sessions).
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(member.pk):
            store(session.session_key).delete()


def create_login_handoff(user: User) -> str:
    token, token_hash = new_token()
    LoginHandoff.objects.create(
        token_hash=token_hash, user=user, expires_at=timezone.now() + HANDOFF_LIFETIME
    )
    return token


@transaction.atomic
def redeem_login_handoff(token: str) -> User | None:
    """The user a handoff token logs in, once, before it expires; otherwise None."""
    handoff = (
        LoginHandoff.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=hash_token(token), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if handoff is None or not handoff.user.is_active:
        return None
    handoff.used_at = timezone.now()
    handoff.save(update_fields=["used_at"])
    return handoff.user
