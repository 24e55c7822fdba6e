"""Writes of practice structure: locations, staff and their roles."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from headwise.accounts.models import User
from headwise.common.services import apply_changes, refuse_unknown
from headwise.practice.models import (
    AppointmentKind,
    AvailabilityException,
    Closure,
    CstStyle,
    Location,
    Membership,
    Practice,
    Practitioner,
    Role,
    Room,
    Service,
    WorkingHours,
)


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
        Membership.objects.select_for_update(no_key=True)
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


# --- services and availability (avail) -------------------------------------------------------


_SERVICE_FIELDS = {"name", "appointment_kind", "duration_minutes", "buffer_minutes", "is_active", "position"}


def _service_save(service: Service) -> Service:
    service.name = (service.name or "").strip()
    taken = Service.objects.filter(practice_id=service.practice_id, name__iexact=service.name)
    if service.name and taken.exclude(pk=service.pk).exists():
        raise ValidationError({"name": _("The practice already offers a service of this name.")})
    service.full_clean()
    service.save()
    return service


@transaction.atomic
def service_add(*, practice: Practice, **fields: Any) -> Service:
    """A new service: ``name`` (unique in the practice), ``appointment_kind``,
    ``duration_minutes`` (5-480), ``buffer_minutes`` (0-120), ``is_active``, ``position``."""
    refuse_unknown(fields, _SERVICE_FIELDS)
    return _service_save(Service(practice=practice, **fields))


@transaction.atomic
def service_update(*, service: Service, **fields: Any) -> Service:
    refuse_unknown(fields, _SERVICE_FIELDS)
    return _service_save(apply_changes(service, fields))


@transaction.atomic
def practitioner_offer_set(
    *,
    practitioner: Practitioner,
    services: Iterable[Service] | None = None,
    locations: Iterable[Location] | None = None,
) -> Practitioner:
    """Which services a practitioner offers and at which locations they work (each None =
    unchanged). Records of another practice are refused naming the field."""
    if services is not None:
        chosen = list(services)
        if any(s.practice_id != practitioner.practice_id for s in chosen):
            raise ValidationError({"service_ids": _("Choose services of this practice.")})
        practitioner.services.set(chosen)
    if locations is not None:
        places = list(locations)
        if any(loc.practice_id != practitioner.practice_id for loc in places):
            raise ValidationError({"location_ids": _("Choose locations of this practice.")})
        practitioner.locations.set(places)
    return practitioner


def _periods_overlap(a: WorkingHours, b: WorkingHours, *, today: dt.date) -> bool:
    """Whether the two stretches' periods share a day from ``today`` on: hours that ended
    before today (last year's pattern) no longer clash with anything."""
    start_a, end_a = max(a.valid_from or dt.date.min, today), a.valid_until or dt.date.max
    start_b, end_b = max(b.valid_from or dt.date.min, today), b.valid_until or dt.date.max
    return start_a <= end_a and start_b <= end_b and start_a <= end_b and start_b <= end_a


def _check_hours(hours: WorkingHours, *, replacing: Iterable[int] = ()) -> None:
    """The rules of one stretch of weekly hours, each refusal naming its field."""
    if hours.weekday is None or not 0 <= hours.weekday <= 6:
        raise ValidationError({"weekday": _("Choose a weekday from 0 (Monday) to 6 (Sunday).")})
    if hours.starts is not None and hours.ends is not None and hours.ends <= hours.starts:
        raise ValidationError({"ends": _("The hours must end after they start (not past midnight).")})
    if hours.valid_from and hours.valid_until and hours.valid_until < hours.valid_from:
        raise ValidationError({"valid_until": _("The last day cannot be before the first.")})
    location = hours.location
    if location.practice_id != hours.practitioner.practice_id:
        raise ValidationError({"location_id": _("Choose a location of this practice.")})
    if not hours.practitioner.locations.filter(pk=location.pk).exists():
        raise ValidationError({"location_id": _("The practitioner does not work at this location.")})
    same_day = (
        WorkingHours.objects.filter(practitioner=hours.practitioner, weekday=hours.weekday)
        .exclude(pk=hours.pk)
        .exclude(pk__in=list(replacing))
        .filter(starts__lt=hours.ends, ends__gt=hours.starts)
        .select_related("location")
    )
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(location.time_zone)).date()
    for other in same_day:
        if _periods_overlap(hours, other, today=today):
            raise ValidationError(
                {
                    "starts": _(
                        "These hours overlap the practitioner's hours %(starts)s-%(ends)s at %(location)s."
                    )
                    % {
                        "starts": other.starts.strftime("%H:%M"),
                        "ends": other.ends.strftime("%H:%M"),
                        "location": other.location.name,
                    }
                }
            )


def _lock_practitioner(practitioner: Practitioner) -> None:
    """Two edits of one practitioner's hours cannot both pass the overlap check."""
    Practitioner.objects.select_for_update(no_key=True).filter(pk=practitioner.pk).first()


@transaction.atomic
def working_hours_add(
    *,
    practitioner: Practitioner,
    location: Location,
    weekday: int,
    starts: dt.time,
    ends: dt.time,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> WorkingHours:
    """One stretch of weekly hours (wall clock of the location's zone). Refused, naming the
    field: an end not after the start, a location the practitioner does not work at, and an
    overlap with the practitioner's hours on that weekday at ANY location."""
    _lock_practitioner(practitioner)
    hours = WorkingHours(
        practice_id=practitioner.practice_id,
        practitioner=practitioner,
        location=location,
        weekday=weekday,
        starts=starts,
        ends=ends,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    _check_hours(hours)
    hours.full_clean()
    hours.save()
    return hours


@transaction.atomic
def working_hours_update(*, hours: WorkingHours, **fields: Any) -> WorkingHours:
    """Change a stretch (``location``, ``weekday``, ``starts``, ``ends``, ``valid_from``,
    ``valid_until``), by the rules of :func:`working_hours_add`."""
    refuse_unknown(fields, {"location", "weekday", "starts", "ends", "valid_from", "valid_until"})
    _lock_practitioner(hours.practitioner)
    apply_changes(hours, fields)
    _check_hours(hours)
    hours.full_clean()
    hours.save()
    return hours


@transaction.atomic
def working_hours_delete(*, hours: WorkingHours) -> None:
    hours.delete()


@transaction.atomic
def working_hours_set(
    *,
    practitioner: Practitioner,
    location: Location,
    week: Iterable[tuple[int, dt.time, dt.time]],
) -> list[WorkingHours]:
    """Replace the practitioner's open-ended weekly pattern at ``location`` with ``week``
    (weekday, starts, ends) stretches; dated stretches (with valid_from/valid_until) stay.
    All or nothing: one refused stretch (field named, prefixed by its weekday) keeps the old."""
    _lock_practitioner(practitioner)
    old = list(
        WorkingHours.objects.filter(
            practitioner=practitioner, location=location, valid_from__isnull=True, valid_until__isnull=True
        ).values_list("pk", flat=True)
    )
    stretches = sorted(week)
    for i, (weekday, starts, ends) in enumerate(stretches):
        for other_day, other_starts, other_ends in stretches[i + 1 :]:
            if other_day == weekday and other_starts < ends and starts < other_ends:
                raise ValidationError({"starts": _("Two stretches of one day overlap.")})
    made = []
    for weekday, starts, ends in stretches:
        hours = WorkingHours(
            practice_id=practitioner.practice_id,
            practitioner=practitioner,
            location=location,
            weekday=weekday,
            starts=starts,
            ends=ends,
        )
        _check_hours(hours, replacing=old)
        hours.full_clean()
        made.append(hours)
    WorkingHours.objects.filter(pk__in=old).delete()
    for hours in made:
        hours.save()
    return made


@transaction.atomic
def exception_add(
    *,
    practitioner: Practitioner,
    date: dt.date,
    location: Location | None = None,
    starts: dt.time | None = None,
    ends: dt.time | None = None,
    reason: str = "",
) -> AvailabilityException:
    """A day unlike the week: no hours = away that day (at ``location``, or everywhere);
    ``starts`` and ``ends`` = works only these hours that day at ``location`` (required then)."""
    if (starts is None) != (ends is None):
        field = "ends" if ends is None else "starts"
        raise ValidationError({field: _("Give both the start and the end, or neither for a day away.")})
    if starts is not None and ends is not None and ends <= starts:
        raise ValidationError({"ends": _("The hours must end after they start (not past midnight).")})
    if starts is not None and location is None:
        raise ValidationError({"location_id": _("Hours on an exception day need the location.")})
    if location is not None and location.practice_id != practitioner.practice_id:
        raise ValidationError({"location_id": _("Choose a location of this practice.")})
    exception = AvailabilityException(
        practice_id=practitioner.practice_id,
        practitioner=practitioner,
        location=location,
        date=date,
        starts=starts,
        ends=ends,
        reason=reason,
    )
    exception.full_clean()
    exception.save()
    return exception


@transaction.atomic
def exception_delete(*, exception: AvailabilityException) -> None:
    exception.delete()


#: The longest closure one entry holds (a year).
CLOSURE_MAX_DAYS = 366


@transaction.atomic
def closure_add(
    *,
    practice: Practice,
    first_day: dt.date,
    last_day: dt.date,
    location: Location | None = None,
    reason: str = "",
) -> Closure:
    """Days a location, or the whole practice (no location), is closed, both days included."""
    if last_day < first_day:
        raise ValidationError({"last_day": _("The last day cannot be before the first.")})
    if (last_day - first_day).days >= CLOSURE_MAX_DAYS:
        raise ValidationError({"last_day": _("A closure lasts at most a year.")})
    if location is not None and location.practice_id != practice.pk:
        raise ValidationError({"location_id": _("Choose a location of this practice.")})
    closure = Closure(
        practice=practice, location=location, first_day=first_day, last_day=last_day, reason=reason
    )
    closure.full_clean()
    closure.save()
    return closure


@transaction.atomic
def closure_delete(*, closure: Closure) -> None:
    closure.delete()


#: The services a new practice (the demo, the tests' practices) starts with: name, kind,
#: minutes, buffer minutes. The practice renames, retires or adds to them.
STARTER_SERVICES: tuple[tuple[str, str, int, int], ...] = (
    ("CST session", AppointmentKind.SESSION, 60, 15),
    ("Intake and first session", AppointmentKind.INTAKE, 90, 0),
    ("Review", AppointmentKind.REVIEW, 30, 0),
    ("Lymphatic drainage", AppointmentKind.SESSION, 60, 0),
    ("Visceral manipulation", AppointmentKind.SESSION, 60, 0),
    ("TMJ work", AppointmentKind.SESSION, 45, 0),
)


@transaction.atomic
def services_seed(*, practice: Practice) -> list[Service]:
    """The :data:`STARTER_SERVICES` the practice does not have yet (by name), in their order;
    answers all the practice's services of those names."""
    have = {s.name: s for s in Service.objects.for_practice(practice)}
    out = []
    for position, (name, kind, minutes, buffer) in enumerate(STARTER_SERVICES):
        if name not in have:
            have[name] = service_add(
                practice=practice,
                name=name,
                appointment_kind=kind,
                duration_minutes=minutes,
                buffer_minutes=buffer,
                position=position,
            )
        out.append(have[name])
    return out


@transaction.atomic
def booking_settings_update(*, practice: Practice, **fields: Any) -> Practice:
    """The public page's address and the online booking rules (``slug``, ``online_booking``,
    ``booking_notice_hours``, ``cancel_notice_hours``); a slug another practice has is refused."""
    allowed = ("slug", "online_booking", "booking_notice_hours", "cancel_notice_hours")
    apply_changes(practice, fields, allowed=allowed)
    if practice.slug and Practice.objects.filter(slug=practice.slug).exclude(pk=practice.pk).exists():
        raise ValidationError({"slug": _("Another practice has this web address name.")})
    practice.full_clean()
    practice.save()
    return practice


@transaction.atomic
def practice_security_update(*, practice: Practice, require_two_factor: bool) -> Practice:
    """The owner's sign-in rule for all staff of the practice."""
    practice.require_two_factor = require_two_factor
    practice.full_clean()
    practice.save(update_fields=["require_two_factor"])
    return practice
