"""An attack's edit history begins with its first change.

Saving an attack from attack mode (the one-tap save) writes only the attack: until it is
changed, the row itself is the version that was recorded, and a copy of it in the history
table would say nothing more. Just before an attack is first changed, by any path (the
services, the API, the admin), :func:`ensure_baseline` copies the stored row into the history
as the "recorded" version, dated when it was recorded and by whom, inside the same
transaction as the change. So every earlier version is kept and can be restored, and the
one-tap save writes one row instead of two.

The recorded version's history id is the attack's own id, whether it has been copied yet or
not, so an "undo" of the recording (which deletes the attack, softly) has one stable address.
Attacks created with a history row from the start (the admin, fixtures) keep it.
"""

from __future__ import annotations

from typing import Any

from headwise.diary.models import Attack

#: The change reason of an undo, followed by the history id of the change it undoes.
UNDO_REASON_PREFIX = "undo of change "


def _history_model() -> Any:
    return Attack.history.model


def baseline(stored: Attack) -> Any:
    """The "recorded" history row of ``stored`` (unsaved): its values as they are stored now."""
    history = _history_model()
    return history(
        history_date=stored.created_at,
        history_type="+",
        history_user_id=stored.created_by_id,
        history_change_reason=None,
        history_uuid=stored.uuid,
        **{field.attname: getattr(stored, field.attname) for field in history.tracked_fields},
    )


#: Set on an attack by :func:`secure_baseline`, taken off by the save that follows.
_SECURED = "_history_baseline_secured"


def ensure_baseline(attack_pk: int, *, stored: Attack | None = None) -> None:
    """Copy the stored attack into its history as the recorded version, unless it has one.

    ``stored``: the attack as it is stored, read in this transaction under the client's lock
    (the services' fresh read), so that it is not read a second time.
    """
    history = _history_model()
    if history.objects.filter(id=attack_pk).exists():
        return
    if stored is None:
        stored = Attack.objects.filter(pk=attack_pk).first()
    if stored is not None:
        baseline(stored).save()


def secure_baseline(stored: Attack) -> None:
    """:func:`ensure_baseline` for an attack a service has just read and is about to change
    and save, in one transaction: its save then need not ask for the recorded version again.

    Call it before the attack's fields change. The mark it leaves is taken off by the next
    save of this instance (:func:`before_save`), so it never outlives that save.
    """
    ensure_baseline(stored.pk, stored=stored)
    setattr(stored, _SECURED, True)


def before_save(sender: type[Attack], instance: Attack, raw: bool = False, **_: Any) -> None:
    """``pre_save`` of Attack: a change to a stored attack first secures its recorded version."""
    if instance.__dict__.pop(_SECURED, False):
        return
    if instance.pk is not None and not raw:
        ensure_baseline(instance.pk)
