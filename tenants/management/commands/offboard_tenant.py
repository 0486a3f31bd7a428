from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.offboarding import tenant_delete, tenant_leftovers
from tenants.selectors import tenant_by_slug


class Command(BaseCommand):
    help = (
        "Delete a suspended tenant after checking its export (folder of export_tenant): its "
        "schema, files, cache entries and domains. Leaves a TenantDeletion record."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--export", required=True, type=Path, help="the export's folder")
        parser.add_argument("--reason", required=True)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["slug"]
        tenant = tenant_by_slug(slug)
        if tenant is None:
            raise CommandError(f"No tenant {slug!r}.")
        if not options["yes"]:
            answer = input(f"Delete tenant {slug} ({tenant.name}) for good? Type its slug: ")
            if answer.strip() != slug:
                raise CommandError("Not confirmed: nothing was deleted.")
        try:
            record = tenant_delete(
                actor=None,
                tenant=tenant,
                reason=options["reason"],
                export_manifest=options["export"],
            )
        except ValidationError as error:
            raise CommandError("Nothing was deleted:\n  " + "\n  ".join(error.messages)) from None
        leftovers = tenant_leftovers(slug)
        if leftovers:
            raise CommandError(f"Deleted, but left behind: {', '.join(leftovers)}")
        self.stdout.write(
            self.style.SUCCESS(f"Deleted {slug}; nothing left behind (record {record.pk}).")
        )
