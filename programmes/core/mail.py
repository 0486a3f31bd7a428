"""Every e-mail the platform sends: in the recipient's language, from the tenant's name.

The From address is always the platform's (DEFAULT_FROM_EMAIL): only the platform's domain
has the SPF and DKIM records that let the e-mail through, and a municipality's address in
From would fail DMARC. The tenant's sender name is shown with it, and replies go to the
tenant's own address (Reply-To) when its operators set one."""

from collections.abc import Mapping, Sequence
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from programmes.core.i18n import current_tenant


def sender_address() -> str:
    tenant = current_tenant()
    name = tenant.email_sender_name if tenant else "Klimapartner"
    return formataddr((name, settings.DEFAULT_FROM_EMAIL))


def reply_to_addresses() -> list[str]:
    tenant = current_tenant()
    return [tenant.reply_to] if tenant is not None and tenant.reply_to else []


# An attachment: file name, content, MIME type.
Attachment = tuple[str, bytes, str]


def localised_message(
    *,
    to: str,
    language: str,
    template: str,
    context: dict[str, Any],
    attachments: Sequence[Attachment] = (),
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    """Render ``<template>_subject.txt`` and ``<template>_body.txt`` in ``language``.
    ``headers`` are added to the message (e.g. a newsletter's ``List-Unsubscribe``)."""
    with translation.override(language):
        subject = " ".join(
            render_to_string(f"{template}_subject.txt", context, using="text").split()
        )
        body = render_to_string(f"{template}_body.txt", context, using="text")
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=sender_address(),
        to=[to],
        reply_to=reply_to_addresses(),
        headers={"Content-Language": language, **(headers or {})},
        attachments=list(attachments),
    )


def send_localised_mail(
    *,
    to: str,
    language: str,
    template: str,
    context: dict[str, Any],
    attachments: Sequence[Attachment] = (),
    headers: Mapping[str, str] | None = None,
    mail_server: BaseEmailBackend | None = None,
) -> None:
    """Send ``localised_message(...)``, over ``mail_server`` when given (an open connection
    a batch of e-mails shares), else over a connection of its own."""
    message = localised_message(
        to=to,
        language=language,
        template=template,
        context=context,
        attachments=attachments,
        headers=headers,
    )
    if mail_server is None:
        message.send()
    else:
        mail_server.send_messages([message])


def send_localised_mail_once(
    *,
    key: str,
    to: str,
    language: str,
    template: str,
    context: dict[str, Any],
    attachments: Sequence[Attachment] = (),
    headers: Mapping[str, str] | None = None,
    mail_server: BaseEmailBackend | None = None,
) -> bool:
    """Send unless an e-mail with ``key`` went out before; True when it was sent now.

    The key's row is inserted first, the e-mail sent, then the transaction commits:

    - a failed send (exception) rolls the row back: the retry sends it;
    - a retried or redelivered task finds the committed key and sends nothing;
    - the same task running twice at once: the second insert waits on the unique key until
      the first commits, then finds it and sends nothing.

    Exactly once is impossible with SMTP; the residual risk is chosen to be a duplicate, never
    a loss: a worker killed after the mail server accepted the e-mail but before the commit
    (one database round trip) leaves no key, and the redelivered task sends the e-mail again.
    (Committing the key before sending would turn that into an e-mail never sent.)

    Call it outside any transaction (tasks run in autocommit): inside an outer
    ``atomic()`` the key commits only with it, and a later rollback would forget e-mails that
    already went out.
    """
    from programmes.core.models import SentMail

    try:
        with transaction.atomic():
            SentMail.objects.create(key=key)
            send_localised_mail(
                to=to,
                language=language,
                template=template,
                context=context,
                headers=headers,
                attachments=attachments,
                mail_server=mail_server,
            )
    except IntegrityError:
        return False
    return True
