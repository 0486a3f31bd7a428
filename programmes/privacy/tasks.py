"""The privacy work of the worker. Beat sends it daily to every tenant through
``tenants.tasks.fan_out``; it is idempotent (a second run finds nothing to do)."""

from celery import shared_task

from programmes.privacy import services


@shared_task
def apply_retention() -> dict[str, int]:
    return services.retention_apply()
