from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.offboarding import tenant_export
from tenants.pg_programs import PgProgramFailed
from tenants.selectors import tenant_by_slug


class Command(BaseCommand):
    help = (
        "Export one tenant into a new folder below --to: pg_dump of its schema, JSON and CSV "
        "per model, its files, its public-schema rows and a manifest with checksums."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--to", required=True, type=Path, help="folder for the export")

    def handle(self, *args: Any, **options: Any) -> None:
        tenant = tenant_by_slug(options["slug"])
        if tenant is None:
            raise CommandError(f"No tenant {options['slug']!r}.")
        try:
            folder = tenant_export(actor=None, tenant=tenant, target_dir=options["to"])
        except ValidationError as error:
            raise CommandError("The export failed: " + " ".join(error.messages)) from None
        except PgProgramFailed as error:
            raise CommandError(f"The export failed: {error}") from None
        self.stdout.write(self.style.SUCCESS(f"Exported {tenant.slug} to {folder}"))
