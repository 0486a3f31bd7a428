import pytest
from celery import shared_task
from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from programmes.configuration.models import Programme
from programmes.core.i18n import translated
from programmes.core.tasks import TaskWithoutTenant, enqueue_after_commit
from tenants.tasks import fan_out
from tests.conftest import World

seen: list[str] = []


@shared_task
def programme_marker() -> str:
    """What a task sees: the name of the programme in the schema it runs in."""
    name = translated(Programme.objects.get().name, "en")
    seen.append(name)
    return name


def test_a_task_runs_in_the_schema_of_the_tenant_that_sent_it(alpha: World, beta: World) -> None:
    with tenant_context(alpha.tenant):
        assert programme_marker.delay().get() == "ALPHA-MARKER programme"
    with tenant_context(beta.tenant):
        assert programme_marker.delay().get() == "BETA-MARKER programme"


def test_a_task_sent_without_a_tenant_is_refused(alpha: World) -> None:
    with schema_context("public"), pytest.raises(TaskWithoutTenant):
        programme_marker.delay()


def test_a_platform_task_refuses_to_run_inside_a_tenant(alpha: World) -> None:
    with tenant_context(alpha.tenant), pytest.raises(TaskWithoutTenant):
        fan_out.delay("tests.core.test_tasks.programme_marker")


def test_fan_out_sends_the_task_once_to_every_serving_tenant(alpha: World, beta: World) -> None:
    seen.clear()
    with schema_context("public"):
        sent = fan_out.delay("tests.core.test_tasks.programme_marker").get()
    assert sent >= 2
    assert "ALPHA-MARKER programme" in seen
    assert "BETA-MARKER programme" in seen
    assert len(seen) == sent


def test_fan_out_skips_a_suspended_tenant(alpha: World, beta: World) -> None:
    seen.clear()
    with schema_context("public"):
        beta.tenant.status = "suspended"
        beta.tenant.save(update_fields=["status"])
        fan_out.delay("tests.core.test_tasks.programme_marker")
    assert "BETA-MARKER programme" not in seen
    assert "ALPHA-MARKER programme" in seen


def test_a_task_queued_after_commit_keeps_the_schema_it_was_queued_in(
    alpha: World, django_capture_on_commit_callbacks
) -> None:
    seen.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with tenant_context(alpha.tenant):
            enqueue_after_commit(programme_marker)
        # The commit happens after the tenant context has ended.
        assert connection.schema_name == "public"
    assert seen == ["ALPHA-MARKER programme"]
