"""Wait until PostgreSQL accepts connections (the Helm migration Job runs it first).

A fresh cluster often starts the Job before the database (or its proxy) is reachable; a
migration that fails at once would fail the whole `helm upgrade`. Retries with exponential
backoff, capped, until --timeout seconds have passed.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import OperationalError

FIRST_DELAY = 0.5
MAX_DELAY = 10.0


class Command(BaseCommand):
    help = "Wait until the database accepts connections, retrying with backoff."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--timeout",
            type=float,
            default=120.0,
            help="give up after this many seconds (default 120)",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        timeout: float = options["timeout"]
        if timeout < 0:
            raise CommandError("--timeout must not be negative.")
        connection = connections[options["database"]]
        deadline = time.monotonic() + timeout
        delay = FIRST_DELAY
        attempt = 0
        while True:
            attempt += 1
            try:
                connection.ensure_connection()
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
            except OperationalError as error:
                connection.close()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise CommandError(
                        f"The database did not answer within {timeout:g} s "
                        f"({attempt} attempts): {error}"
                    ) from None
                reason = (str(error).strip().splitlines() or [repr(error)])[0]
                self.stderr.write(
                    f"Database not ready (attempt {attempt}), retrying in {delay:g} s: {reason}"
                )
                time.sleep(min(delay, remaining))
                delay = min(delay * 2, MAX_DELAY)
                continue
            self.stdout.write(self.style.SUCCESS(f"Database ready (attempt {attempt})."))
            return
