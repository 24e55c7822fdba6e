"""The 24-hour follow-up's e-mail to the client, sent once, through the task queue.

``follow_ups_to_mail`` finds the follow-ups due now whose client may be contacted
(:func:`headwise.clients.selectors.may_process`) and has an e-mail address; ``follow_up_mail``
marks one as mailed and sends it in one transaction that holds the follow-up's row, so a
follow-up is mailed at most once, and a failed e-mail is tried again at the next dispatch.
A follow-up older than the answer window is not mailed any more (nobody wants last year's
"how do you feel?").
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from headwise.care.models import FollowUp
from headwise.care.selectors import ANSWER_WINDOW
from headwise.clients.models import ClientStatus
from headwise.clients.selectors import may_process


def _due(now: dt.datetime) -> object:
    return FollowUp.objects.filter(
        due_at__lte=now,
        due_at__gt=now - ANSWER_WINDOW,
        mailed_at__isnull=True,
        completed_at__isnull=True,
        session__client__status=ClientStatus.ACTIVE,
        session__client__user__isnull=False,
        session__client__user__is_active=True,
    )


def follow_ups_to_mail(*, now: dt.datetime | None = None) -> list[str]:
    """The ids of the follow-ups whose e-mail is due at ``now``."""
    now = now or timezone.now()
    found = _due(now).select_related("session__client__user").order_by("due_at")  # type: ignore[attr-defined]
    return [str(f.uuid) for f in found if _address(f) and may_process(client=f.session.client)]


def _address(follow_up: FollowUp) -> str:
    client = follow_up.session.client
    return client.email or (client.user.email if client.user else "")


def follow_up_mail(*, follow_up_uuid: str, now: dt.datetime | None = None) -> bool:
    """Mark one follow-up mailed and e-mail the client; ``False`` if it is no longer due,
    already mailed, answered, or the client may not be contacted."""
    now = now or timezone.now()
    with transaction.atomic():
        follow_up = (
            _due(now)  # type: ignore[attr-defined]
            .select_for_update(no_key=True)
            .select_related("session__client__user", "session__practitioner__membership__user")
            .filter(uuid=follow_up_uuid)
            .first()
        )
        if follow_up is None or not _address(follow_up) or not may_process(client=follow_up.session.client):
            return False
        follow_up.mailed_at = now
        follow_up.save(update_fields=["mailed_at", "updated_at"])
        _send(follow_up)
    return True


def _send(follow_up: FollowUp) -> None:
    client = follow_up.session.client
    user = client.user
    language = (user.language if user else "") or None
    with translation.override(language):
        context = {
            "client": client,
            "session": follow_up.session,
            "home_url": str(settings.HEADWISE_BASE_URL) + reverse("web:my_home"),
        }
        subject = render_to_string("care/email/follow_up_subject.txt", context).strip()
        body = render_to_string("care/email/follow_up.txt", context)
    send_mail(subject, body, None, [_address(follow_up)])
