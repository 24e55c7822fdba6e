"""The intake link's e-mail. The token is derived again from the link (never queued or stored)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from headwise.clients import services
from headwise.clients.models import IntakeLink


def intake_link_mail(*, link_uuid: str) -> bool:
    link = (
        IntakeLink.objects.select_related("client", "client__user", "practice", "sent_by")
        .filter(uuid=link_uuid)
        .first()
    )
    if link is None or not link.client.email:
        return False
    try:
        services.intake_link_check(services.link_token(link))
    except services.LinkError:
        return False
    client = link.client
    sender = link.sent_by
    language = (
        client.user.language
        if client.user is not None
        else (sender.language if sender else settings.LANGUAGE_CODE)
    )
    with translation.override(language):
        context = {
            "client": client,
            "practice": link.practice,
            "url": str(settings.HEADWISE_BASE_URL)
            + reverse("clients_intake:start", kwargs={"token": services.link_token(link)}),
            "expires_at": link.expires_at,
            "days": services.intake_link_days(),
        }
        subject = render_to_string("clients/email/intake_link_subject.txt", context).strip()
        body = render_to_string("clients/email/intake_link.txt", context)
    send_mail(subject, body, None, [client.email])
    return True
