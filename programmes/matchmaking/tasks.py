"""Matchmaking work for the worker: e-mailing the personal schedules of a session. Each
e-mail is keyed (``core.SentMail``) by session version, partner and address: a retry never
resends."""

from celery import shared_task

from programmes.matchmaking import services
from programmes.matchmaking.models import Session


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_schedule(session_id: int) -> int:
    session = Session.objects.filter(pk=session_id).first()
    if session is None:
        return 0
    return services.schedule_send(actor=None, session=session)
