import secrets
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from tenants import provisioning


class Command(BaseCommand):
    help = (
        "Build the blueprint new tenant schemas are made from, for the current migrations "
        "(run after migrate_schemas; onboarding builds it too when it is missing). With "
        "--check, also prove that a schema made from it equals one made by the migrations."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="make a schema both ways, compare them and drop both again",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        connection.set_schema_to_public()
        try:
            blueprint = provisioning.current_blueprint()
        except provisioning.BlueprintUnavailable as reason:
            raise CommandError(f"No blueprint could be built: {reason}") from None
        assert blueprint is not None
        self.stdout.write(
            f"Blueprint {blueprint.digest[:12]}: {blueprint.migration_count} migrations, "
            f"built {blueprint.built_at:%Y-%m-%d %H:%M} UTC in {blueprint.build_seconds:.1f} s."
        )
        if options["check"]:
            self._check(blueprint)

    def _check(self, blueprint: Any) -> None:
        suffix = secrets.token_hex(4)
        migrated = f"{provisioning.SCRATCH_PREFIX}migrated_{suffix}"
        replayed = f"{provisioning.SCRATCH_PREFIX}replayed_{suffix}"
        # One transaction rolled back at the end: nothing of the check stays.
        with transaction.atomic():
            provisioning.schema_create_by_migrations(migrated)
            started = time.perf_counter()
            provisioning.blueprint_replay(blueprint, replayed)
            seconds = time.perf_counter() - started
            differences = provisioning.structure_differences(
                provisioning.schema_structure(migrated), provisioning.schema_structure(replayed)
            )
            transaction.set_rollback(True)
        if differences:
            raise CommandError(
                "A schema made from the blueprint differs from one made by the migrations:\n  "
                + "\n  ".join(differences[:50])
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"A schema made from the blueprint ({seconds:.3f} s) equals one made by the "
                "migrations: tables, columns, indexes, constraints, triggers, functions, "
                "sequences and rows."
            )
        )
