"""Platform tasks: they run on the public schema and fan work out to every tenant."""

from celery import current_app, shared_task

from tenants.models import Tenant
from tenants.selectors import serving_tenants
from tenants.services import tenant_provision


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


@shared_task(runs_on_public_schema=True)
def provision_tenant(tenant_id: int) -> str:
    """Make a requested tenant ready (tenants.services.tenant_provision). A failure is
    recorded on the tenant's onboarding, shown in the console, and not retried by itself:
    the operator tries again once the cause is fixed."""
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:  # discarded meanwhile
        return "gone"
    try:
        tenant_provision(tenant)
    except Exception:  # recorded and logged by tenant_provision
        return "failed"
    return "ready"
