"""A throw-away tenant app for the scale benchmark's AddField figure
(tenants/benchmark/migrations.py). Installed only in the ``migrate_schemas`` processes the
bench starts, through KP_BENCH_ADDFIELD (saas/settings.py): ``initial`` gives it its first
migration (a table), ``addfield`` its second (one AddField), timed over every tenant."""
