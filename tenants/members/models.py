"""People who work in a provider account: owners, administrators and employees.

These rows live in each account's own schema. Clients of the provider are not users: they get
their own model (and sign in by magic link) in the client portal.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import connections, models, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ACCOUNT_OWNER = "owner", _("Account Owner")
    SUPERUSER = "superuser", _("SuperUser")
    ADMIN_MANAGE_EMPLOYEES = "admin_employees", _("AdminManageEmployees")
    EMPLOYEE = "employee", _("Employee")


BILLING_ADMIN_ROLES = frozenset({Role.ACCOUNT_OWNER, Role.SUPERUSER, Role.ADMIN_MANAGE_EMPLOYEES})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, *, full_name="", role=Role.EMPLOYEE, **extra):
        if not email:
            raise ValueError("Users need an email address.")
        user = self.model(
            email=self.normalize_email(email).lower(), full_name=full_name, role=role, **extra
        )
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        return self.create_user(email, password, role=Role.ACCOUNT_OWNER, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def get(self, *args, **kwargs):
        """``get(pk=…)``, which every signed-in request makes (Django's ``ModelBackend.get_user``),
        is sent as plain SQL, or not at all when the request's session statement read the row
        too (billing_saas/sessions.py): the ORM took longer to build that query than the
        database to answer it. Same table, columns, checks and answer; every other lookup is
        the ORM's."""
        value = kwargs.get("pk")
        if args or self._db is not None or kwargs.keys() != {"pk"} or not _plain(value):
            return super().get(*args, **kwargs)
        model = self.model
        pk = model._meta.pk.get_prep_value(value)  # the ORM's check ("expected a number")
        connection = connections[router.db_for_read(model)]
        columns = user_row_columns(connection)
        if columns is None:
            return super().get(*args, **kwargs)
        from billing_saas.sessions import user_row_read_with_the_session

        row = user_row_read_with_the_session(connection, pk)
        lowest, highest = connection.ops.integer_field_range(model._meta.pk.get_internal_type())
        in_range = (lowest is None or pk >= lowest) and (highest is None or pk <= highest)
        if row is None and in_range:  # out of the column's range matches nothing, as with the ORM
            quote = connection.ops.quote_name
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {', '.join(columns.sql)} FROM {quote(model._meta.db_table)} "
                    f"WHERE {quote(model._meta.pk.column)} = %s",
                    [pk],
                )
                row = cursor.fetchone()
        if row is None:
            raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
        return model.from_db(connection.alias, columns.names, row)

    def billing_admins(self):
        """The active members who can give others access, Account Owners first."""
        owners_first = models.Case(models.When(role=Role.ACCOUNT_OWNER, then=0), default=1)
        return self.filter(is_active=True, role__in=BILLING_ADMIN_ROLES).order_by(
            owners_first, "full_name", "email"
        )


def _plain(value) -> bool:
    return value is not None and not hasattr(value, "resolve_expression")


@dataclass(frozen=True)
class RowColumns:
    sql: tuple[str, ...]  # quoted, in the order the ORM selects them
    names: tuple[str, ...]  # their attribute names, for ``User.from_db``


_COLUMNS: dict = {}


def user_row_columns(connection, table: str = "") -> RowColumns | None:
    """A user row's columns (each prefixed with ``table.`` if given), as the ORM selects them;
    ``None`` if a value needs converting on its way out of this database (the ORM then reads
    it). Worked out once per database and prefix."""
    key = (connection.alias, table)
    if key not in _COLUMNS:
        opts, quote = User._meta, connection.ops.quote_name
        fields = opts.concrete_fields
        converts = any(
            field.get_db_converters(connection)
            or connection.ops.get_db_converters(field.get_col(opts.db_table))
            for field in fields
        )
        prefix = f"{table}." if table else ""
        columns = RowColumns(
            tuple(prefix + quote(field.column) for field in fields),
            tuple(field.attname for field in fields),
        )
        _COLUMNS[key] = None if converts else columns
    return _COLUMNS[key]


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EMPLOYEE)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    language = models.CharField(_("language"), max_length=8, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_billing_admin(self) -> bool:
        """Owners, SuperUsers and AdminManageEmployees install solutions and manage employees."""
        return self.is_active and self.role in BILLING_ADMIN_ROLES

    @property
    def is_owner(self) -> bool:
        return self.role == Role.ACCOUNT_OWNER

    @property
    def initials(self) -> str:
        parts = (self.full_name or self.email).split()
        return "".join(p[0] for p in parts[:2]).upper()


def new_token() -> tuple[str, str]:
    """A random URL token (256 bits) and the hash we store instead of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An email invitation to join the account; the link carries a token we only store hashed."""

    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EMPLOYEE)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # At most one open invitation per address; accepting or revoking closes it.
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
            )
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class LoginHandoff(models.Model):
    """A single-use, short-lived token that logs a new owner in on the account's subdomain.

    Sign-up happens on the root domain, whose cookies the account's subdomain never sees.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sign-in handoff for user {self.user_id}"
