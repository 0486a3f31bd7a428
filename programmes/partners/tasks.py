from celery import shared_task

from programmes.partners import notifications


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_staff_of_application(partner_id: int) -> int:
    return notifications.application_received(partner_id=partner_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_partner_of_ending(partner_id: int) -> int:
    return notifications.partnership_ended(partner_id=partner_id)
