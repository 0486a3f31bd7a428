from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import tenant_context

from tenants.reporting import selectors, services


class Command(BaseCommand):
    help = (
        "Refresh the operators' figures (the rollup in the public schema) now, for every "
        "ready tenant that is not offboarded or for one (--tenant slug), without the worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", metavar="SLUG", help="refresh only this tenant")

    def handle(self, *args: Any, **options: Any) -> None:
        tenants = selectors.tenants_to_refresh()
        if options["tenant"]:
            tenants = tenants.filter(schema_name=options["tenant"])
            if not tenants.exists():
                raise CommandError(
                    f"No ready, not offboarded tenant {options['tenant']!r} to refresh."
                )
        for tenant in list(tenants):
            with tenant_context(tenant):
                rollup = services.tenant_rollup_refresh(tenant=tenant)
            codes = ", ".join(rollup.health_codes) or "-"
            self.stdout.write(f"{tenant.slug}: {rollup.health} ({codes})")
