"""``manage.py bench --tenants N``: the scale benchmark of issue 11 (tenants/benchmark/).

Creates its own database (``kpbench_<UTC time>_<pid>``) on the server DATABASE_URL names,
so it never sees or touches real tenants, and drops it at the end (``--keep-database``
keeps it for inspection). Needs the CREATEDB privilege.
"""

import datetime as dt
import logging
import time
from pathlib import Path
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.benchmark import database, harness, population
from tenants.benchmark.core import Bench


class Command(BaseCommand):
    help = "Measure issue 11's figures with N tenants in a database of the bench's own."
    requires_system_checks: list[str] = []  # nothing may query the configured database first
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenants", type=int, default=200, help="N (default 200)")
        parser.add_argument("--out", default="var/bench", help="results folder (var/bench)")
        parser.add_argument("--only", default="", help="e.g. onboarding,routing or fig1,fig3")
        parser.add_argument("--samples", type=int, default=10, help="new tenants for fig1")
        parser.add_argument(
            "--duration", type=float, default=5.0, help="seconds of load per measurement"
        )
        parser.add_argument("--partners", type=int, default=300, help="partners of big tenants")
        parser.add_argument(
            "--big-tenants", type=int, default=3, help="tenants with --partners partners"
        )
        parser.add_argument("--small-partners", type=int, default=5, help="the others' partners")
        parser.add_argument("--keep-database", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["tenants"] < 1 or options["samples"] < 1 or options["big_tenants"] < 1:
            raise CommandError("--tenants, --samples and --big-tenants must be at least 1.")
        try:
            names = harness.chosen(options["only"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        # The bench has no worker: tasks (invitation e-mails, background provisioning)
        # run in-process, and e-mails stay in memory.
        current_app.conf.task_always_eager = True
        current_app.conf.task_eager_propagates = True
        settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        logging.getLogger("celery").setLevel(logging.WARNING)
        started = dt.datetime.now(dt.UTC)
        name = database.new_database_name()
        self.stdout.write(f"bench database {name}")
        database.create_and_use(name)
        try:
            bench = Bench(
                tenants=options["tenants"],
                out_dir=Path(settings.BASE_DIR) / options["out"],
                database_name=name,
                database_url=database.database_url(),
                samples=options["samples"],
                duration=options["duration"],
                partners_big=options["partners"],
                partners_small=options["small_partners"],
                big_tenants=min(options["big_tenants"], options["tenants"]),
                log=self.stdout.write,
            )
            clock = time.perf_counter()
            self.stdout.write(f"creating {bench.tenants} tenants …")
            population.populate(bench)
            bench.setup_seconds = time.perf_counter() - clock
            self.stdout.write(f"  done in {bench.setup_seconds:.0f} s")
            figures = harness.measure(bench, names)
            json_path, md_path = harness.write(bench, figures, started)
        finally:
            if options["keep_database"]:
                self.stdout.write(f"kept database {name}")
            else:
                database.drop(name)
        self.stdout.write(harness.table(figures))
        self.stdout.write(f"\nresults: {json_path}\n         {md_path}")
        broken = harness.errors(figures)
        if broken:
            names = ", ".join(figure.name for figure in broken)
            raise CommandError(f"Not measured because of an error: {names} (see the notes).")
