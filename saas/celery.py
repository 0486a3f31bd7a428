"""The Celery app. tenant-schemas-celery carries the sender's schema in each message and
switches to it before the task runs; programmes.core.tasks.TenantBoundTask refuses to run a
task that arrived without a tenant (see tenants/README.md)."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas.settings")

app = CeleryApp("klimapartner", task_cls="programmes.core.tasks:TenantBoundTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
