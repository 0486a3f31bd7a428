"""The same first migration as migrations_initial (the state before the AddField)."""

import importlib

Migration = importlib.import_module(
    "tenants.benchmark.addfield.migrations_initial.0001_initial"
).Migration
