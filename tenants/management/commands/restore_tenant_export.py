from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.offboarding import tenant_restore
from tenants.pg_programs import PgProgramFailed


class Command(BaseCommand):
    help = (
        "Restore drill: restore an export (folder of export_tenant) as a new tenant --slug, "
        "then compare its row counts and files with the export's manifest. Exits non-zero "
        "when they differ. The copy stays suspended unless --activate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("export", type=Path, help="the export's folder")
        parser.add_argument("--slug", required=True, help="slug of the new tenant")
        parser.add_argument(
            "--activate", action="store_true", help="serve the copy (schedules run for it)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = tenant_restore(
                actor=None,
                export=options["export"],
                slug=options["slug"],
                activate=options["activate"],
            )
        except ValidationError as error:
            raise CommandError("Nothing was restored:\n  " + "\n  ".join(error.messages)) from None
        except PgProgramFailed as error:
            raise CommandError(f"The restore failed: {error}") from None
        slug = result.tenant.slug
        if result.migrations_behind:
            behind = ", ".join(result.migrations_behind)
            self.stdout.write(
                self.style.WARNING(
                    f"The export predates this code's migrations ({behind}): "
                    f"run migrate_schemas --schema={slug} after the drill."
                )
            )
        if not result.ok:
            lines = [
                f"  {table}: {expected} in the export, {actual} restored"
                for table, (expected, actual) in result.differences.items()
            ] + [f"  file {path} differs" for path in result.files_differing]
            raise CommandError(
                f"Restored {slug}, but it differs from the export:\n" + "\n".join(lines)
            )
        self.stdout.write(
            self.style.SUCCESS(f"Restored as {slug}: every table's row count and every file match.")
        )
