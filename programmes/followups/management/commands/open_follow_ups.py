"""Open a year's follow-up by hand, for one tenant or all (the worker does it each year in
the month the tenant's annual wheel names)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.followups.services import followups_open
from tenants.selectors import serving_tenants, tenant_by_slug


class Command(BaseCommand):
    help = "Open the annual follow-up for every active partner without one for the year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", help="The tenant's slug (default: every serving tenant).")
        parser.add_argument("--year", type=int, default=timezone.localdate().year)

    def handle(self, *args: Any, tenant: str | None, year: int, **options: Any) -> None:
        if tenant:
            found = tenant_by_slug(tenant)
            if found is None:
                raise CommandError(f"No tenant {tenant!r}.")
            tenants = [found]
        else:
            tenants = list(serving_tenants())
        for each in tenants:
            with tenant_context(each):
                opened = followups_open(actor=None, year=year)
            self.stdout.write(f"{each.schema_name}: {len(opened)} follow-ups opened for {year}")
