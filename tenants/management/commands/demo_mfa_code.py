from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import schema_context, tenant_context

from programmes.people.demo import DEMO_TOTP_SECRET, has_demo_totp
from programmes.people.mfa import totp_code
from programmes.people.models import User
from tenants.models import Tenant


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of a demo account (operator or municipal staff "
        "created by load_demo). Demo only: refused in production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        if settings.DJANGO_ENV == "production":
            raise CommandError("demo_mfa_code reads the demo's known secret; never in production.")
        email = email.strip().lower()
        with schema_context("public"):
            user = User.objects.filter(email=email).first()
            if user is not None:
                self._print(user)
                return
            tenants = list(Tenant.objects.exclude(schema_name="public"))
        for tenant in tenants:
            with tenant_context(tenant):
                user = User.objects.filter(email=email).first()
                if user is not None:
                    self._print(user)
                    return
        raise CommandError(f"Nobody with the e-mail address {email}.")

    def _print(self, user: User) -> None:
        if not has_demo_totp(user):
            raise CommandError(f"{user.email} has no demo authenticator (load_demo gives one).")
        self.stdout.write(totp_code(DEMO_TOTP_SECRET))
