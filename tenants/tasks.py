"""Platform tasks: they run on the public schema and fan work out to every tenant."""

from celery import current_app, shared_task

from tenants.selectors import serving_tenants


@shared_task(runs_on_public_schema=True)
def fan_out(task_name: str) -> int:
    """Send ``task_name`` once to every ready, active tenant, each bound to its schema.

    Beat schedules this task, never a tenant task directly: a tenant task sent by beat would
    carry no tenant and be refused.
    """
    task = current_app.tasks[task_name]
    sent = 0
    for schema_name in serving_tenants().values_list("schema_name", flat=True).iterator():
        task.apply_async(headers={"_schema_name": schema_name})
        sent += 1
    return sent
