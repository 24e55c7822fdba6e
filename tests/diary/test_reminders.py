"""Evening reminders and open-attack prompts: at the client's local time, once a day, easy to stop."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from headwise.diary import services
from headwise.diary.models import ReminderSent
from tests import factories as f


def dispatch() -> str:
    out = StringIO()
    call_command("send-reminders", stdout=out)
    return out.getvalue()


@pytest.fixture
def client(db: Any) -> Any:
    user = f.UserFactory(email="ana@example.org")
    return f.ClientFactory(user=user, time_zone="Europe/Amsterdam", reminder_time=dt.time(20, 30), email="")


def test_it_reminds_once_after_the_local_reminder_time(client: Any) -> None:
    # 18:20 UTC is 20:20 in Amsterdam (summer time): not yet.
    with time_machine.travel(dt.datetime(2026, 6, 3, 18, 20, tzinfo=dt.UTC), tick=False):
        assert "0 reminder" in dispatch()
    with time_machine.travel(dt.datetime(2026, 6, 3, 18, 35, tzinfo=dt.UTC), tick=False):
        assert "1 reminder" in dispatch()
        dispatch()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.org"] and "how was today" in message.subject
    assert "/diary/reminders/" in message.body and "/diary/checkin/" in message.body
    sent = ReminderSent.objects.filter(client=client, date=dt.date(2026, 6, 3), kind="evening")
    assert [r.practice_id for r in sent] == [client.practice_id]  # the client's practice, for sharding


def test_it_does_not_remind_when_today_has_an_entry(client: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 6, 3, 19, 0, tzinfo=dt.UTC), tick=False):
        services.checkin_save(client=client, by=None, date=dt.date(2026, 6, 3), had_headache=False)
        dispatch()
    assert mail.outbox == [] and not ReminderSent.objects.exists()


def test_it_prompts_to_complete_an_open_attack(client: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 6, 3, 19, 0, tzinfo=dt.UTC), tick=False):
        services.attack_start(client=client, by=None, started_at=dt.datetime(2026, 6, 3, 9, tzinfo=dt.UTC))
        dispatch()
        dispatch()
    assert [m.subject for m in mail.outbox] == ["Headwise: is your attack over?"]


def test_it_can_be_switched_off(client: Any) -> None:
    services.reminders_set(client=client, by=None, enabled=False, at=None)
    with time_machine.travel(dt.datetime(2026, 6, 3, 19, 0, tzinfo=dt.UTC), tick=False):
        dispatch()
    assert mail.outbox == []
    client.refresh_from_db()
    assert client.reminders_enabled is False and client.reminder_time == dt.time(20, 30)


def test_it_uses_each_clients_own_zone(client: Any) -> None:
    tokyo = f.ClientFactory(user=f.UserFactory(), time_zone="Asia/Tokyo", reminder_time=dt.time(20, 30))
    # 12:00 UTC is 21:00 in Tokyo and 14:00 in Amsterdam.
    with time_machine.travel(dt.datetime(2026, 6, 3, 12, 0, tzinfo=dt.UTC), tick=False):
        dispatch()
    assert list(ReminderSent.objects.values_list("client_id", flat=True)) == [tokyo.pk]


def test_it_lets_the_client_toggle_reminders_on_their_settings_page(client: Any) -> None:
    from tests.conftest import login

    http = login(client.user)
    response = http.post("/diary/reminders/", {"reminders_enabled": "", "reminder_time": "21:15"})
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.reminders_enabled is False and client.reminder_time == dt.time(21, 15)
    bad = http.post("/diary/reminders/", {"reminders_enabled": "on", "reminder_time": ""})
    assert bad.status_code == 422 and "Choose a time" in bad.content.decode()
    client.refresh_from_db()
    assert client.reminders_enabled is False
