"""Writes of practice structure: locations, staff and their roles."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from headwise.accounts.models import User
from headwise.common.services import apply_changes
from headwise.practice.models import CstStyle, Location, Membership, Practice, Practitioner, Role, Room


@transaction.atomic
def location_save(*, location: Location) -> Location:
    taken = Location.objects.filter(practice_id=location.practice_id, name=location.name)
    if taken.exclude(pk=location.pk).exists():
        raise ValidationError({"name": _("Another location of the practice has this name.")})
    location.full_clean()
    location.save()
    return location


@transaction.atomic
def staff_add(
    *,
    practice: Practice,
    email: str,
    full_name: str,
    password: str,
    role: str,
    profession: str = "",
    cst_style: str = CstStyle.INTEGRATED,
    locations: Iterable[Location] = (),
) -> Membership:
    """A new login, its membership, and (for practitioners and owners who treat) a profile.

    Raises ValidationError naming the field for a taken or malformed e-mail, a weak password,
    an unknown role, or a practitioner without a profession; nothing is created then.
    """
    _check_new_staff(email=email, full_name=full_name, password=password, role=role, profession=profession)
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    membership = Membership.objects.create(practice=practice, user=user, role=role)
    if role == Role.PRACTITIONER or (role == Role.OWNER and profession):
        practitioner = Practitioner(
            practice=practice,
            membership=membership,
            display_name=full_name,
            profession=profession,
            cst_style=cst_style,
        )
        practitioner.full_clean()
        practitioner.save()
        practitioner.locations.set([loc for loc in locations if loc.practice_id == practice.pk])
    return membership


def _check_new_staff(*, email: str, full_name: str, password: str, role: str, profession: str) -> None:
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError as exc:
        errors["email"] = exc.messages
    if "email" not in errors and User.objects.filter(email__iexact=email.strip()).exists():
        errors["email"] = [_("This e-mail address already has a login.")]
    try:
        validate_password(password, User(email=email, full_name=full_name))
    except ValidationError as exc:
        errors["password"] = exc.messages
    if role not in Role.values:
        errors["role"] = [_("Choose owner, practitioner or front_desk.")]
    if role == Role.PRACTITIONER and not profession:
        errors["profession"] = [_("A practitioner needs a profession.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def location_create(*, practice: Practice, **fields: Any) -> Location:
    return location_save(location=Location(practice=practice, **fields))


@transaction.atomic
def location_update(*, location: Location, **fields: Any) -> Location:
    return location_save(location=apply_changes(location, fields))


@transaction.atomic
def room_create(*, location: Location, **fields: Any) -> Room:
    return _room_save(room=Room(practice_id=location.practice_id, location=location, **fields))


@transaction.atomic
def room_update(*, room: Room, **fields: Any) -> Room:
    return _room_save(room=apply_changes(room, fields))


def _room_save(*, room: Room) -> Room:
    if Room.objects.filter(location_id=room.location_id, name=room.name).exclude(pk=room.pk).exists():
        raise ValidationError({"name": _("Another room of this location has this name.")})
    room.full_clean()
    room.save()
    return room


@transaction.atomic
def membership_update(
    *, membership: Membership, role: str | None = None, is_active: bool | None = None
) -> Membership:
    """Change a staff member's role or access; the practice always keeps an active owner.

    The practice's memberships are locked first, so two owners demoting each other at the
    same moment cannot leave the practice without one.
    """
    owners = list(
        Membership.objects.select_for_update()
        .filter(practice_id=membership.practice_id, role=Role.OWNER, is_active=True)
        .values_list("pk", flat=True)
    )
    if role is not None:
        membership.role = role
    if is_active is not None:
        membership.is_active = is_active
    still_owner = membership.role == Role.OWNER and membership.is_active
    if owners == [membership.pk] and not still_owner:
        field = "role" if role is not None and role != Role.OWNER else "is_active"
        raise ValidationError({field: _("The practice needs at least one active owner.")})
    was_active = Membership.objects.filter(pk=membership.pk, is_active=True).exists()
    membership.full_clean()
    membership.save(update_fields=["role", "is_active"])
    if was_active and not membership.is_active:
        # Access ends now, not on the next sign-in: sessions and API tokens both stop working,
        # and reactivating later does not bring them back.
        from headwise.accounts.sessions import end_access

        end_access(user=membership.user, reason="membership_deactivated", practice=membership.practice)
    return membership


@transaction.atomic
def practice_security_update(*, practice: Practice, require_two_factor: bool) -> Practice:
    """The owner's sign-in rule for all staff of the practice."""
    practice.require_two_factor = require_two_factor
    practice.full_clean()
    practice.save(update_fields=["require_two_factor"])
    return practice
