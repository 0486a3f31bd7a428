from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants import migrating


class Command(BaseCommand):
    help = (
        "Migrate the public schema, then only the tenant schemas that lack a migration "
        "(found for all schemas at once), in parallel processes. A tenant whose migration "
        "fails is reported, marked not ready and audited; the others go on, and the command "
        "exits non-zero at the end. Run it again to resume an interrupted run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--processes",
            type=int,
            default=migrating.default_processes(),
            help="parallel processes for the schemas that are behind (default: "
            "TENANT_MULTIPROCESSING_MAX_PROCESSES, else 2)",
        )
        parser.add_argument(
            "--per-schema-migrate",
            action="store_true",
            help="run django-tenants' migrate_schemas in each schema that is behind, instead "
            "of loading the migration graph and project state once for all of them",
        )
        parser.add_argument(
            "--skip-shared",
            action="store_true",
            help="do not migrate the public schema first",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        if not options["skip_shared"]:
            pending = migrating.public_migrate(verbosity=verbosity)
            self.stdout.write(f"public: {len(pending)} migrations applied")
        run = migrating.tenants_migrate(
            processes=max(1, options["processes"]),
            verbosity=max(0, verbosity - 1),
            report=self._report,
            fast=not options["per_schema_migrate"],
        )
        for schema_name in run.missing_schemas:
            self.stdout.write(f"{schema_name}: no schema yet (onboarding), skipped")
        migrated = len(run.outcomes) - len(run.failed)
        self.stdout.write(
            f"{run.schemas} tenant schemas: {run.up_to_date} up to date (checked in "
            f"{run.check_seconds:.2f} s), {migrated} migrated, {len(run.failed)} failed; "
            f"{run.seconds:.2f} s in all."
        )
        if run.failed:
            names = ", ".join(outcome.schema_name for outcome in run.failed)
            raise CommandError(f"Migrations failed in {len(run.failed)} schemas: {names}")

    def _report(self, outcome: migrating.SchemaOutcome) -> None:
        migrations = ", ".join(f"{app}.{name}" for app, name in outcome.pending)
        if outcome.ok:
            self.stdout.write(
                self.style.SUCCESS(f"{outcome.schema_name}: migrated in {outcome.seconds:.2f} s")
                + f" ({migrations})"
            )
        else:
            self.stderr.write(
                f"{outcome.schema_name}: FAILED after {outcome.seconds:.2f} s, tenant marked "
                f"not ready ({migrations}): {outcome.error}"
            )
