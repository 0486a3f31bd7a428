"""A task only the worker-kill test loads (``celery worker --include``): one reminder e-mail
per number, sent through the platform's own idempotency key (programmes.core.mail)."""

import datetime as dt
import time
from pathlib import Path

from celery import shared_task

from programmes.core.mail import send_localised_mail_once


@shared_task
def send_numbered_reminder(run: str, number: int, hang_marker: str = "") -> bool:
    """E-mail reminder ``number`` of test ``run`` once. With ``hang_marker`` the first delivery
    writes that file and then hangs (the test kills the worker there); a redelivery, finding
    the file, sends normally."""
    if hang_marker and not Path(hang_marker).exists():
        Path(hang_marker).write_text(str(number))
        time.sleep(120)
    return send_localised_mail_once(
        key=f"worker-kill-test:{run}:{number}",
        to=f"partner-{number}@{run}.example",
        language="en",
        template="followups/email/reminder",
        context={
            "partner": {"name": f"Partner {number}"},
            "follow_up": {"year": 2031, "due_on": dt.date(2031, 6, 30)},
            "site_name": "Test",
            "url": f"https://example.test/{number}/",
        },
    )
