"""People: users live in the schema they belong to. On the platform host (public schema) they
are operators; on a tenant host they are that municipality's staff and partners."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("Platform operator")
    MUNICIPAL_ADMIN = "municipal_admin", _("Municipal admin")
    MUNICIPAL_STAFF = "municipal_staff", _("Municipal staff")
    PARTNER_ADMIN = "partner_admin", _("Partner admin")
    PARTNER_MEMBER = "partner_member", _("Partner member")


TENANT_ROLES = (
    Role.MUNICIPAL_ADMIN,
    Role.MUNICIPAL_STAFF,
    Role.PARTNER_ADMIN,
    Role.PARTNER_MEMBER,
)
STAFF_ROLES = (Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_STAFF)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.update(is_staff=True, is_superuser=True, role=Role.OPERATOR)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    # The language this person reads e-mail in; empty means the tenant's primary language.
    language = models.CharField(_("language"), max_length=5, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(default=False)  # Django admin access (operators only)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_municipal_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_operator(self) -> bool:
        return self.role == Role.OPERATOR


class Invitation(models.Model):
    """An invitation to join a schema with a role. Only a hash of the token is stored; the
    token itself exists only in the e-mail, made by the worker when it sends it."""

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
