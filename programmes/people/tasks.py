from celery import shared_task

from programmes.people import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation(invitation_id: int, language: str) -> bool:
    return services.invitation_send(invitation_id=invitation_id, language=language)
