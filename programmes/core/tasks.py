"""The base class of every Celery task.

tenant-schemas-celery puts the sender's schema in each message and switches to it before the
task runs. A task that arrives on the public schema was sent without a tenant: running it
there could read or write the platform's tables instead of a municipality's, so it is refused
unless the task declares ``runs_on_public_schema=True`` (platform tasks such as fan-outs).

Tasks are delivered at least once (acks_late): each must be idempotent, each e-mail keyed
(``core.mail.send_localised_mail_once``), and queued only after its transaction commits
(``enqueue_after_commit``). See TASKS.md.
"""

from typing import Any

from django.db import connection, transaction
from tenant_schemas_celery.task import TenantTask


class TaskWithoutTenant(RuntimeError):
    pass


class TenantBoundTask(TenantTask):
    abstract = True
    runs_on_public_schema = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        on_public = connection.schema_name == "public"
        if on_public and not self.runs_on_public_schema:
            raise TaskWithoutTenant(
                f"Task {self.name} was sent without a tenant; it only runs in a tenant schema."
            )
        if not on_public and self.runs_on_public_schema:
            raise TaskWithoutTenant(f"Task {self.name} runs only on the public schema.")
        return super().__call__(*args, **kwargs)


def enqueue_after_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Queue ``task`` once the current transaction commits, bound to the current schema.

    The schema is captured now: by commit time the code may have left the tenant's context.
    """
    schema = connection.schema_name
    transaction.on_commit(
        lambda: task.apply_async(args=args, kwargs=kwargs, headers={"_schema_name": schema})
    )
